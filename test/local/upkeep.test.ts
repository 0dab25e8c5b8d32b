import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalWarehouse, type LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, load, movie, rows, userSnap } from './helpers';

const SUMMARIZE = `select i.relname as index, brin_summarize_new_values(i.oid) as ranges
  from pg_class as i join pg_am as a on a.oid = i.relam
  where a.amname = 'brin' and i.relnamespace = 'streamflix'::regnamespace order by 1`;

const PLANNER_SETTINGS = "select current_setting('enable_nestloop') as nestloop, current_setting('enable_mergejoin') as mergejoin";

describe('a warehouse before its first event load', () => {
  it('plans without nested loops or merge joins: no statistics yet, and either would rescan or sort whole staging tables', async () => {
    const w = await freshWarehouse();
    try {
      await load(w, 'catalog', [movie('mv-1', 100)]);
      const [settings] = await rows(w, PLANNER_SETTINGS);
      expect(settings).toEqual({ nestloop: 'off', mergejoin: 'off' });
    } finally {
      await w.close();
    }
  });
});

describe('engine upkeep after a load', () => {
  let w: LocalWarehouse;
  beforeAll(async () => {
    w = await freshWarehouse();
    await load(w, 'catalog', [movie('mv-1', 100)]);
    await load(w, 'users', [userSnap('u-1', '2026-11-01T00:00:00Z', 'basic')]);
    // more than one block range (128 pages) of evt_event: the last, partial range is never
    // summarized, the full ones must be
    const events = Array.from({ length: 8000 }, (_, i) =>
      ev({ id: `e-${i}`, type: i % 100 === 0 ? 'play' : 'heartbeat', ts: new Date(Date.UTC(2026, 10, 2) + i * 30_000).toISOString(), session: `s-${Math.floor(i / 100)}`, pos: (i % 100) * 30 }),
    );
    await load(w, 'events', events);
  });
  afterAll(async () => w.close());

  it('leaves no block range of a sort key unsummarized, so zone-map searches skip old blocks', async () => {
    const summarized = await rows(w, SUMMARIZE);
    const [pages] = await rows(w, "select pg_relation_size('streamflix.evt_event') / 8192 as n");
    expect(Number(pages.n)).toBeGreaterThan(128);
    expect(summarized.map((r) => r.index)).toContain('streamflix_evt_event_sortkey');
    expect(summarized.filter((r) => r.ranges !== 0)).toEqual([]);
  });

  it('gives nested loops and merge joins back once the first event load has statistics', async () => {
    const [settings] = await rows(w, PLANNER_SETTINGS);
    expect(settings).toEqual({ nestloop: 'on', mergejoin: 'on' });
    const [analyzed] = await rows(w, "select count(*)::int as n from pg_stat_user_tables where relname in ('stg_line', 'evt_event') and last_analyze is not null");
    expect(analyzed).toEqual({ n: 2 });
  });

  it('plans a reopened warehouse\'s first load with the statistics it already has', async () => {
    const reopened = await openLocalWarehouse({ loadDataDir: await w.dump() });
    try {
      const [settings] = await rows(reopened, PLANNER_SETTINGS);
      expect(settings).toEqual({ nestloop: 'on', mergejoin: 'on' });
    } finally {
      await reopened.close();
    }
  });

  it('empties the staging tables once the load has committed', async () => {
    const [counts] = await rows(
      w,
      `select (select count(*) from streamflix.stg_raw_line)::int + (select count(*) from streamflix.stg_line)::int
            + (select count(*) from streamflix.stg_event)::int + (select count(*) from streamflix.stg_session)::int as n`,
    );
    expect(counts).toEqual({ n: 0 });
  });
});
