import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manifestFor, planLoad, type BronzeObject, type FeedKind } from '../../pipeline/load';
import { localObject, type LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, load, movie, rows, userSnap, writeLines } from './helpers';

const sessionPlan = async (w: LocalWarehouse): Promise<Record<string, unknown>[]> =>
  rows(
    w,
    `select f.session_id, u.plan, u.version_number from streamflix.fact_viewing_session f
       join streamflix.dim_user u on u.user_key = f.user_key order by f.session_id`,
  );

const versions = async (w: LocalWarehouse): Promise<Record<string, unknown>[]> =>
  (
    await rows(
      w,
      `select user_id, plan, version_number, to_char(valid_from, 'YYYY-MM-DD') as valid_from,
              to_char(valid_to, 'YYYY-MM-DD') as valid_to, is_current, is_inferred
         from streamflix.dim_user order by user_id, version_number`,
    )
  ).map((r) => ({ ...r }));

const play = (id: string, ts: string, session: string, user = 'u-1'): Record<string, unknown> =>
  ev({ id, type: 'play', ts, session, user });

describe('SCD2 users', () => {
  let w: LocalWarehouse;
  beforeEach(async () => {
    w = await freshWarehouse();
  });
  afterEach(async () => w.close());

  it('points a fact at the version in force at its time, and a fact before the first version at the first version', async () => {
    await load(w, 'users', [userSnap('u-1', '2026-01-01T00:00:00Z', 'basic'), userSnap('u-1', '2026-02-01T00:00:00Z', 'premium')]);
    await load(w, 'events', [
      play('e1', '2025-12-01T10:00:00Z', 'before'),
      play('e2', '2026-01-15T10:00:00Z', 'jan'),
      play('e3', '2026-02-01T00:00:00Z', 'feb'),
      ev({ id: 'r1', type: 'rate', ts: '2026-01-20T10:00:00Z', user: 'u-1' }),
    ]);
    expect(await sessionPlan(w)).toEqual([
      { session_id: 'before', plan: 'basic', version_number: 1 },
      { session_id: 'feb', plan: 'premium', version_number: 2 },
      { session_id: 'jan', plan: 'basic', version_number: 1 },
    ]);
    const [rating] = await rows(w, `select u.plan from streamflix.fact_content_rating f join streamflix.dim_user u on u.user_key = f.user_key`);
    expect(rating.plan).toBe('basic');
    expect(await versions(w)).toEqual([
      { user_id: 'u-1', plan: 'basic', version_number: 1, valid_from: '2026-01-01', valid_to: '2026-02-01', is_current: false, is_inferred: false },
      { user_id: 'u-1', plan: 'premium', version_number: 2, valid_from: '2026-02-01', valid_to: null, is_current: true, is_inferred: false },
    ]);
  });

  it('ignores a snapshot equal to the version in force, and builds the same versions whatever the arrival order', async () => {
    const a = userSnap('u-1', '2026-01-01T00:00:00Z', 'basic');
    const b = userSnap('u-1', '2026-02-01T00:00:00Z', 'premium');
    const c = userSnap('u-1', '2026-03-01T00:00:00Z', 'premium');
    await load(w, 'users', [c]);
    await load(w, 'users', [a]);
    await load(w, 'users', [b]);
    const other = await freshWarehouse();
    try {
      await load(other, 'users', [a, b, c]);
      expect(await versions(w)).toEqual(await versions(other));
    } finally {
      await other.close();
    }
    expect((await versions(w)).map((v) => v.plan)).toEqual(['basic', 'premium']);
  });

  it('re-points facts when a late snapshot splits a version', async () => {
    await load(w, 'users', [userSnap('u-1', '2026-01-01T00:00:00Z', 'basic')]);
    await load(w, 'events', [play('e1', '2026-01-10T10:00:00Z', 'early'), play('e2', '2026-01-20T10:00:00Z', 'late')]);
    await load(w, 'users', [userSnap('u-1', '2026-01-15T00:00:00Z', 'premium')]);
    expect(await sessionPlan(w)).toEqual([
      { session_id: 'early', plan: 'basic', version_number: 1 },
      { session_id: 'late', plan: 'premium', version_number: 2 },
    ]);
  });
});

describe('inferred members', () => {
  it('are created for unknown keys and filled in place later, keeping the facts pointed at them', async () => {
    const w = await freshWarehouse();
    try {
      await load(w, 'events', [
        ev({ id: 'e1', type: 'play', ts: '2026-11-02T20:00:00Z', user: 'u-9', content: 'ep-9' }),
        ev({ id: 'e2', type: 'stop', ts: '2026-11-02T20:10:00Z', user: 'u-9', content: 'ep-9', pos: 600 }),
      ]);
      const [user] = await rows(w, `select user_key, country, plan, is_inferred, version_number from streamflix.dim_user`);
      expect(user).toMatchObject({ country: null, plan: null, is_inferred: true, version_number: 1 });
      const [content] = await rows(w, `select content_key, title, duration_sec, is_inferred from streamflix.dim_content`);
      expect(content).toMatchObject({ title: null, duration_sec: null, is_inferred: true });

      await load(w, 'catalog', [
        { content_id: 'ep-9', content_type: 'episode', title: 'Nine', series_id: 'sh-1', series_title: 'Show', season_number: 1, episode_number: 9, duration_sec: 620, genres: ['scifi'] },
      ]);
      await load(w, 'users', [userSnap('u-9', '2026-06-01T00:00:00Z', 'standard')]);
      const [filledContent] = await rows(w, `select content_key, title, series_title, is_inferred from streamflix.dim_content`);
      expect(filledContent).toEqual({ content_key: content.content_key, title: 'Nine', series_title: 'Show', is_inferred: false });
      const [filledUser] = await rows(w, `select user_key, plan, is_inferred from streamflix.dim_user`);
      expect(filledUser).toEqual({ user_key: user.user_key, plan: 'standard', is_inferred: false });
      const [fact] = await rows(w, `select user_key, content_key, is_completed_flag from streamflix.fact_viewing_session`);
      expect(fact).toEqual({ user_key: user.user_key, content_key: content.content_key, is_completed_flag: true });
    } finally {
      await w.close();
    }
  });

  const newer = ev({ id: 'n', type: 'play', ts: '2026-11-02T20:00:00Z', device: 'd-1', deviceType: 'Mobile' });
  const older = ev({ id: 'o', type: 'play', ts: '2026-11-01T20:00:00Z', session: 's-2', device: 'd-1', deviceType: 'TV' });
  it.each([
    ['newer first', newer, older],
    ['older first', older, newer],
  ])('keep devices at the attributes of their latest event, whatever the load order (%s)', async (_order, first, second) => {
    const w = await freshWarehouse();
    try {
      await load(w, 'events', [first]);
      await load(w, 'events', [second]);
      expect(await rows(w, 'select device_id, device_type from streamflix.dim_device')).toEqual([{ device_id: 'd-1', device_type: 'mobile' }]);
    } finally {
      await w.close();
    }
  });

  it('keep devices at the attributes of the greater event_id when two events share their time', async () => {
    const w = await freshWarehouse();
    try {
      const at = '2026-11-02T20:00:00Z';
      await load(w, 'events', [ev({ id: 'e-b', type: 'play', ts: at, device: 'd-1', deviceType: 'Console' })]);
      await load(w, 'events', [ev({ id: 'e-a', type: 'play', ts: at, session: 's-2', device: 'd-1', deviceType: 'TV' })]);
      await load(w, 'events', [ev({ id: 'e-c', type: 'play', ts: at, session: 's-3', device: 'd-1', deviceType: 'Tablet' })]);
      expect(await rows(w, 'select device_type, attributes_event_id from streamflix.dim_device')).toEqual([
        { device_type: 'tablet', attributes_event_id: 'e-c' },
      ]);
    } finally {
      await w.close();
    }
  });
});

/**
 * One load of two objects of a feed, the earlier object's lines numbered above the later
 * one's, as Redshift's COPY may number them (its IDENTITY values follow no file order).
 */
async function loadLaterObjectNumberedFirst(w: LocalWarehouse, kind: FeedKind, earlierLines: object[], laterLines: object[]): Promise<void> {
  const object = (lines: object[]): BronzeObject => {
    const key = writeLines(lines);
    writeFileSync(`${key}.manifest`, manifestFor([pathToFileURL(key).href]));
    return { kind, key, manifestUri: `${key}.manifest` };
  };
  const earlier = object(earlierLines);
  const later = object(laterLines);
  const plan = planLoad([earlier, later], { copyCredentials: '', loadToken: randomUUID() });
  const numbered = plan.statements.flatMap((s) =>
    s.startsWith('copy ') ? [`alter table streamflix.stg_raw_line alter column line_no restart with ${s.includes(earlier.manifestUri) ? 1000 : 1}`, s] : [s],
  );
  await w.exec.transaction(numbered, plan.params);
}

describe('content from two objects of one load', () => {
  it('is the later object\'s, even when its lines were numbered first (Redshift numbers them in no file order)', async () => {
    const w = await freshWarehouse();
    try {
      await loadLaterObjectNumberedFirst(w, 'catalog', [movie('mv-1', 100, ['drama'], 'Old')], [movie('mv-1', 120, ['action'], 'New')]);
      expect(await rows(w, 'select title, duration_sec, primary_genre from streamflix.dim_content')).toEqual([
        { title: 'New', duration_sec: 120, primary_genre: 'action' },
      ]);
      expect(await rows(w, 'select genre from streamflix.bridge_content_genre')).toEqual([{ genre: 'action' }]);
    } finally {
      await w.close();
    }
  });
});

describe('user snapshots at one instant from two objects of one load', () => {
  it('keep the later object\'s, even when its lines were numbered first', async () => {
    const w = await freshWarehouse();
    try {
      const at = '2026-03-01T00:00:00Z';
      await loadLaterObjectNumberedFirst(w, 'users', [userSnap('u-1', at, 'basic')], [userSnap('u-1', at, 'premium')]);
      expect(await versions(w)).toEqual([
        { user_id: 'u-1', plan: 'premium', version_number: 1, valid_from: '2026-03-01', valid_to: null, is_current: true, is_inferred: false },
      ]);
      // both snapshots are kept, with their objects' positions
      expect(await rows(w, 'select plan, object_no from streamflix.evt_user_snapshot order by object_no')).toEqual([
        { plan: 'basic', object_no: 1 },
        { plan: 'premium', object_no: 2 },
      ]);
    } finally {
      await w.close();
    }
  });
});

/**
 * Loads one reference file as the local run lands it (`localObject`: its numbered copy), with
 * the landing table's IDENTITY counting down, as Redshift may number an object's lines in no
 * file order. `numbered: false` lands the file itself, as before numbered copies.
 */
async function loadCountingDown(w: LocalWarehouse, kind: FeedKind, lines: object[], numbered = true): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'counting-down-'));
  const file = { kind, key: writeLines(lines) };
  const object = numbered
    ? (await localObject(file, 1, dir)).object
    : { ...file, manifestUri: join(dir, 'plain.manifest') };
  if (!numbered) writeFileSync(object.manifestUri, manifestFor([pathToFileURL(file.key).href]));
  const plan = planLoad([object], { copyCredentials: '', loadToken: randomUUID() });
  const countingDown = plan.statements.flatMap((s) =>
    s.startsWith('copy ') ? ['alter table streamflix.stg_raw_line alter column line_no set increment by -1 restart with 1000', s] : [s],
  );
  await w.exec.transaction(countingDown, plan.params);
}

describe('lines of one object landed in no file order (as Redshift numbers them)', () => {
  const catalog = [movie('mv-1', 100, ['drama'], 'Old'), movie('mv-2', 50), movie('mv-1', 120, ['action'], 'New')];

  it('keep the later catalog line for an item', async () => {
    const w = await freshWarehouse();
    try {
      await loadCountingDown(w, 'catalog', catalog);
      expect(await rows(w, "select title, duration_sec, primary_genre from streamflix.dim_content where content_id = 'mv-1'")).toEqual([
        { title: 'New', duration_sec: 120, primary_genre: 'action' },
      ]);
    } finally {
      await w.close();
    }
  });

  it('would keep the earlier one without the numbered copy: the lines really are numbered in reverse here', async () => {
    const w = await freshWarehouse();
    try {
      await loadCountingDown(w, 'catalog', catalog, false);
      expect(await rows(w, "select title from streamflix.dim_content where content_id = 'mv-1'")).toEqual([{ title: 'Old' }]);
    } finally {
      await w.close();
    }
  });

  it('keep the later of two user snapshots at one instant', async () => {
    const w = await freshWarehouse();
    try {
      const at = '2026-03-01T00:00:00Z';
      await loadCountingDown(w, 'users', [userSnap('u-1', at, 'basic'), userSnap('u-2', at, 'basic'), userSnap('u-1', at, 'premium')]);
      expect((await versions(w)).filter((v) => v.user_id === 'u-1')).toEqual([
        { user_id: 'u-1', plan: 'premium', version_number: 1, valid_from: '2026-03-01', valid_to: null, is_current: true, is_inferred: false },
      ]);
    } finally {
      await w.close();
    }
  });
});

describe('content genres', () => {
  it('replaces an item in place (type 1) and its genres in the bridge', async () => {
    const w = await freshWarehouse();
    try {
      await load(w, 'catalog', [movie('mv-1', 100, ['drama', 'comedy'])]);
      await load(w, 'catalog', [movie('mv-1', 120, ['action', 'action', 'drama'])]);
      expect(await rows(w, 'select content_key, duration_sec, primary_genre from streamflix.dim_content')).toEqual([
        { content_key: 1, duration_sec: 120, primary_genre: 'action' },
      ]);
      expect(await rows(w, 'select genre, genre_rank from streamflix.bridge_content_genre order by genre_rank')).toEqual([
        { genre: 'action', genre_rank: 1 },
        { genre: 'drama', genre_rank: 3 },
      ]);
    } finally {
      await w.close();
    }
  });
});
