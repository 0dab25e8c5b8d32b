import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { EXAMPLES, freshWarehouse, rows } from './helpers';

/** The worked example of ../shared/spec/examples/README.md, row for row. */
describe('worked example', () => {
  let w: LocalWarehouse;
  beforeAll(async () => {
    w = await freshWarehouse();
    const path = (name: string): string => fileURLToPath(new URL(name, EXAMPLES));
    await w.loadFiles([
      { kind: 'catalog', path: path('catalog.ndjson') },
      { kind: 'users', path: path('users.ndjson') },
      { kind: 'events', path: path('events.ndjson') },
    ]);
  });
  afterAll(async () => w.close());

  it('produces the one fact_viewing_session row', async () => {
    const r = await rows(
      w,
      `select f.*, u.user_id, u.plan, c.content_id, d.device_id
         from streamflix.fact_viewing_session f
         join streamflix.dim_user u on u.user_key = f.user_key
         join streamflix.dim_content c on c.content_key = f.content_key
         join streamflix.dim_device d on d.device_key = f.device_key`,
    );
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      session_id: 's-77',
      user_id: 'u-7',
      plan: 'standard',
      content_id: 'ep-9',
      device_id: 'd-7',
      start_date_key: 20261102,
      start_time_key: 2000,
      session_duration_seconds: 480,
      watch_duration_seconds: 270,
      pause_count: 1,
      seek_count: 1,
      event_count: 6,
      max_position_sec: 1620,
      is_completed_flag: true,
      is_closed: true,
    });
    expect((r[0].session_start_ts as Date).toISOString()).toBe('2026-11-02T19:00:00.000Z');
    expect((r[0].session_end_ts as Date).toISOString()).toBe('2026-11-02T19:08:00.000Z');
  });

  it('produces the one fact_content_rating row', async () => {
    const r = await rows(
      w,
      `select f.rating_event_id, u.user_id, c.content_id, f.rating_date_key, f.rating_time_key, f.rating_value
         from streamflix.fact_content_rating f
         join streamflix.dim_user u on u.user_key = f.user_key
         join streamflix.dim_content c on c.content_key = f.content_key`,
    );
    expect(r).toEqual([
      { rating_event_id: 'a7', user_id: 'u-7', content_id: 'ep-9', rating_date_key: 20261102, rating_time_key: 2009, rating_value: 4 },
    ]);
  });

  it('quarantines the two bad lines verbatim', async () => {
    const r = await rows(w, 'select raw_line, reason, detail from streamflix.etl_quarantine order by line_no');
    expect(r).toHaveLength(2);
    expect(r[0]).toMatchObject({ reason: 'invalid_field', detail: 'session_id' });
    expect(JSON.parse(r[0].raw_line as string).event_id).toBe('a8');
    expect(r[1]).toEqual({ raw_line: '{"event_id":"a9","event_type":"play"', reason: 'malformed_json', detail: null });
  });

  it('records the batch counts: one load of the three files, counting its event lines', async () => {
    const r = await rows(w, 'select lines_read, events_loaded, duplicates, quarantined from streamflix.etl_batch');
    expect(r).toEqual([{ lines_read: 10, events_loaded: 7, duplicates: 1, quarantined: 2 }]);
    const objects = await rows(w, 'select kind, batch_id, lines_read, quarantined from streamflix.etl_loaded_object order by kind');
    expect(objects).toEqual([
      { kind: 'catalog', batch_id: 1, lines_read: 1, quarantined: 0 },
      { kind: 'events', batch_id: 1, lines_read: 10, quarantined: 2 },
      { kind: 'users', batch_id: 1, lines_read: 1, quarantined: 0 },
    ]);
  });

  it('fills the dimensions', async () => {
    expect(await rows(w, 'select device_id, device_type from streamflix.dim_device')).toEqual([{ device_id: 'd-7', device_type: 'web' }]);
    expect(
      await rows(w, 'select content_id, series_id, season_number, episode_number, primary_genre from streamflix.dim_content'),
    ).toEqual([{ content_id: 'ep-9', series_id: 'sh-3', season_number: 2, episode_number: 4, primary_genre: 'scifi' }]);
    expect(await rows(w, 'select genre from streamflix.bridge_content_genre order by genre')).toEqual([{ genre: 'drama' }, { genre: 'scifi' }]);
  });

  it('answers the report views', async () => {
    const r = await w.reportTables();
    expect(r.rpt_watch_time_by_user).toEqual([{ month_start: '2026-11-01', user_id: 'u-7', watch_seconds: 270, sessions: 1 }]);
    expect(r.rpt_watch_time_by_genre.sort((a, b) => String(a.genre).localeCompare(String(b.genre)))).toEqual([
      { month_start: '2026-11-01', genre: 'drama', watch_seconds: 270, sessions: 1 },
      { month_start: '2026-11-01', genre: 'scifi', watch_seconds: 270, sessions: 1 },
    ]);
    expect(r.rpt_watch_time_by_device_type).toEqual([{ month_start: '2026-11-01', device_type: 'web', watch_seconds: 270, sessions: 1 }]);
    expect(r.rpt_peak_viewing_hours).toEqual([{ day_type: 'weekday', hour_of_day: 20, watch_seconds: 270, sessions: 1, hour_rank: 1 }]);
    expect(r.rpt_content_completion).toEqual([
      { content_id: 'ep-9', title: 'The Return', content_type: 'episode', sessions: 1, completed_sessions: 1, completion_rate: 1 },
    ]);
    expect(r.rpt_session_duration).toEqual([
      { month_start: '2026-11-01', sessions: 1, avg_session_duration_seconds: 480, avg_watch_duration_seconds: 270 },
    ]);
    expect(r.rpt_rating_vs_popularity).toEqual([
      { content_id: 'ep-9', title: 'The Return', ratings: 1, avg_rating: 4, viewers: 1, sessions: 1, watch_seconds: 270 },
    ]);
    expect(r.rpt_rating_popularity_correlation).toEqual([{ titles: 1, pearson_rating_viewers: null, pearson_rating_watch_seconds: null }]);
  });
});
