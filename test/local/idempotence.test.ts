import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { generateDataset, type GeneratedDataset } from '../../tools/generator/index';
import { isBlankLine } from '../../tools/shared/blank-line';
import { freshWarehouse, rows } from './helpers';

/** Final state by natural keys (surrogate keys and batch ids depend on load boundaries). */
async function finalState(w: LocalWarehouse): Promise<Record<string, unknown[]>> {
  const q = async (sql: string): Promise<unknown[]> => (await rows(w, sql)).map((r) => JSON.stringify(r)).sort();
  return {
    sessions: await q(`select f.session_id, u.user_id, u.valid_from, c.content_id, d.device_id, f.start_date_key, f.start_time_key,
        f.session_start_ts, f.session_end_ts, f.session_duration_seconds, f.watch_duration_seconds, f.pause_count, f.seek_count,
        f.event_count, f.max_position_sec, f.is_completed_flag, f.is_closed, f.utc_offset_minutes
      from streamflix.fact_viewing_session f join streamflix.dim_user u on u.user_key = f.user_key
      join streamflix.dim_content c on c.content_key = f.content_key join streamflix.dim_device d on d.device_key = f.device_key`),
    ratings: await q(`select f.rating_event_id, u.user_id, u.valid_from, c.content_id, d.device_id, f.rating_date_key, f.rating_time_key, f.rated_at, f.rating_value
      from streamflix.fact_content_rating f join streamflix.dim_user u on u.user_key = f.user_key
      join streamflix.dim_content c on c.content_key = f.content_key join streamflix.dim_device d on d.device_key = f.device_key`),
    users: await q('select user_id, country, plan, subscription_status, valid_from, valid_to, is_current, is_inferred from streamflix.dim_user'),
    content: await q('select content_id, title, duration_sec, primary_genre, is_inferred from streamflix.dim_content'),
    devices: await q('select device_id, device_type, os, app_version from streamflix.dim_device'),
    events: await q('select event_id, event_ts, session_id from streamflix.evt_event'),
    quarantine: await q('select raw_line, reason, detail from streamflix.etl_quarantine'),
  };
}

async function allRows(w: LocalWarehouse): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['fact_viewing_session', 'fact_content_rating', 'dim_user', 'dim_content', 'dim_device', 'bridge_content_genre', 'evt_event']) {
    out[t] = JSON.stringify((await rows(w, `select * from streamflix.${t}`)).map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

describe('replay and split loads (generated dataset)', () => {
  let ds: GeneratedDataset;
  let dir: string;
  let w: LocalWarehouse;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'streamflix-idem-'));
    ds = await generateDataset(dir, { seed: 11, users: 40, days: 4, targetEvents: 3000, eventsPerFile: 1000, duplicateRate: 0.02, badLineRate: 0.01 });
    w = await freshWarehouse();
    await w.loadFiles([
      { kind: 'catalog', path: ds.catalogFile },
      { kind: 'users', path: ds.usersFile },
      ...ds.eventFiles.map((path) => ({ kind: 'events' as const, path })),
    ]);
  });
  afterAll(async () => w.close());

  it('reconciles every batch and the generator counts', async () => {
    const batches = await rows(w, `select b.lines_read, b.events_loaded, b.duplicates, b.quarantined, o.kind from streamflix.etl_batch b join streamflix.etl_loaded_object o on o.batch_id = b.batch_id`);
    for (const b of batches) expect(b.lines_read).toBe((b.events_loaded as number) + (b.duplicates as number) + (b.quarantined as number));
    const events = batches.filter((b) => b.kind === 'events');
    const sum = (k: string): number => events.reduce((n, b) => n + (b[k] as number), 0);
    expect(sum('lines_read')).toBe(ds.eventLines);
    expect(sum('quarantined')).toBe(ds.badLines);
    expect(sum('duplicates')).toBe(ds.duplicateLines);
    const [{ n }] = await rows(w, 'select count(*)::int as n from streamflix.evt_event');
    expect(n).toBe(sum('events_loaded'));
  });

  it('accounts for every non-blank line of every file, reference feeds included, per object', async () => {
    const nonBlank = (path: string): number => readFileSync(path, 'utf8').split('\n').filter((l) => !isBlankLine(l)).length;
    const [objects] = await rows(w, 'select sum(lines_read)::int as lines_read, sum(quarantined)::int as quarantined from streamflix.etl_loaded_object');
    const [{ n }] = await rows(w, 'select count(*)::int as n from streamflix.etl_quarantine');
    expect(objects).toEqual({ lines_read: ds.eventLines + nonBlank(ds.catalogFile) + nonBlank(ds.usersFile), quarantined: n });
  });

  it('skips the same paths on replay and changes no row', async () => {
    const before = await allRows(w);
    for (const [table, text] of Object.entries(before)) expect(JSON.parse(text).length, table).toBeGreaterThan(0);
    const outcomes = await w.loadFiles(ds.eventFiles.map((path) => ({ kind: 'events' as const, path })));
    expect(outcomes.every((o) => o.skipped)).toBe(true);
    expect(await allRows(w)).toEqual(before);
  });

  it('gives the same final tables when the same events are split into more loads', async () => {
    const lines = ds.eventFiles.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));
    const split = await freshWarehouse();
    try {
      const parts = 7;
      const size = Math.ceil(lines.length / parts);
      const files = Array.from({ length: parts }, (_, i) => {
        const path = join(dir, `split-${i}.ndjson`);
        writeFileSync(path, lines.slice(i * size, (i + 1) * size).join('\n') + '\n');
        return path;
      });
      await split.loadFiles([
        { kind: 'catalog', path: ds.catalogFile },
        { kind: 'users', path: ds.usersFile },
        ...files.map((path) => ({ kind: 'events' as const, path })),
      ]);
      const [a, b] = [await finalState(w), await finalState(split)];
      expect(b.sessions.length).toBeGreaterThan(20);
      // every compared table holds rows: equal empty sets would prove nothing
      for (const k of Object.keys(a)) expect(a[k].length, k).toBeGreaterThan(0);
      for (const k of Object.keys(a)) expect(b[k], k).toEqual(a[k]);
    } finally {
      await split.close();
    }
  });

  it('counts a re-delivered copy under another name as duplicates and changes no fact', async () => {
    const before = await allRows(w);
    const copy = join(dir, 'copy-of-first.ndjson');
    copyFileSync(ds.eventFiles[0], copy);
    const [outcome] = await w.loadFiles([{ kind: 'events', path: copy }]);
    const r = outcome.result!;
    expect(r.eventsLoaded).toBe(0);
    expect(r.duplicates + r.quarantined).toBe(r.linesRead);
    expect(await allRows(w)).toEqual(before);
  });
});
