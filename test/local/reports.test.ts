import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, load, movie, userSnap } from './helpers';

type Rows = Record<string, unknown>[];
const sortBy = (rows: Rows, ...keys: string[]): Rows =>
  [...rows].sort((a, b) => {
    for (const k of keys) {
      const c = String(a[k]).localeCompare(String(b[k]));
      if (c !== 0) return c;
    }
    return 0;
  });

/**
 * A small dataset whose answers were worked out by hand:
 * S1 u-1 mv-1 tv     Mon 2026-11-02 20:00 local, 600 s watched, stop at 960 of 1000 -> completed
 * S2 u-2 mv-1 mobile Sat 2026-11-07 21:00 local, 300 s, stop at 300 -> not completed
 * S3 u-1 mv-2 tv     Sat 2026-10-31 20:00 local, 1200 s, stop at 1200 of 2000 -> not completed
 * S4 u-3 mv-3 web    Sun 2026-11-08 10:00 local (15:00Z, offset -300), 60 s, still open
 * ratings: u-1 mv-1 2 then 4 (latest 4), u-2 mv-1 5, u-1 mv-2 3, u-3 mv-3 1
 */
describe('report views on a hand-computed dataset', () => {
  let w: LocalWarehouse;
  let r: Record<string, Rows>;
  beforeAll(async () => {
    w = await freshWarehouse();
    await load(w, 'catalog', [movie('mv-1', 1000, ['drama', 'comedy'], 'One'), movie('mv-2', 2000, ['action'], 'Two'), movie('mv-3', 100, ['drama'], 'Three')]);
    await load(w, 'users', [userSnap('u-1', '2026-01-01T00:00:00Z', 'basic'), userSnap('u-2', '2026-01-01T00:00:00Z', 'basic'), userSnap('u-3', '2026-01-01T00:00:00Z', 'premium')]);
    await load(w, 'events', [
      ev({ id: 's1a', type: 'play', ts: '2026-11-02T20:00:00Z', session: 'S1', user: 'u-1', content: 'mv-1', device: 'd-1', deviceType: 'tv', pos: 0 }),
      ev({ id: 's1b', type: 'stop', ts: '2026-11-02T20:10:00Z', session: 'S1', user: 'u-1', content: 'mv-1', device: 'd-1', deviceType: 'tv', pos: 960 }),
      ev({ id: 's2a', type: 'play', ts: '2026-11-07T21:00:00Z', session: 'S2', user: 'u-2', content: 'mv-1', device: 'd-2', deviceType: 'mobile', pos: 0 }),
      ev({ id: 's2b', type: 'stop', ts: '2026-11-07T21:05:00Z', session: 'S2', user: 'u-2', content: 'mv-1', device: 'd-2', deviceType: 'mobile', pos: 300 }),
      ev({ id: 's3a', type: 'play', ts: '2026-10-31T20:00:00Z', session: 'S3', user: 'u-1', content: 'mv-2', device: 'd-1', deviceType: 'tv', pos: 0 }),
      ev({ id: 's3b', type: 'stop', ts: '2026-10-31T20:20:00Z', session: 'S3', user: 'u-1', content: 'mv-2', device: 'd-1', deviceType: 'tv', pos: 1200 }),
      ev({ id: 's4a', type: 'play', ts: '2026-11-08T15:00:00Z', session: 'S4', user: 'u-3', content: 'mv-3', device: 'd-3', deviceType: 'web', pos: 0, offset: -300 }),
      ev({ id: 's4b', type: 'heartbeat', ts: '2026-11-08T15:01:00Z', session: 'S4', user: 'u-3', content: 'mv-3', device: 'd-3', deviceType: 'web', pos: 100, offset: -300 }),
      ev({ id: 'r1', type: 'rate', ts: '2026-11-03T10:00:00Z', user: 'u-1', content: 'mv-1', rating: 2 }),
      ev({ id: 'r2', type: 'rate', ts: '2026-11-04T10:00:00Z', user: 'u-1', content: 'mv-1', rating: 4 }),
      ev({ id: 'r3', type: 'rate', ts: '2026-11-07T22:00:00Z', user: 'u-2', content: 'mv-1', rating: 5 }),
      ev({ id: 'r4', type: 'rate', ts: '2026-11-01T10:00:00Z', user: 'u-1', content: 'mv-2', rating: 3 }),
      ev({ id: 'r5', type: 'rate', ts: '2026-11-08T15:00:30Z', user: 'u-3', content: 'mv-3', rating: 1 }),
    ]);
    r = await w.reportTables();
  });
  afterAll(async () => w.close());

  it('rpt_watch_time_by_user', () => {
    expect(sortBy(r.rpt_watch_time_by_user, 'month_start', 'user_id')).toEqual([
      { month_start: '2026-10-01', user_id: 'u-1', watch_seconds: 1200, sessions: 1 },
      { month_start: '2026-11-01', user_id: 'u-1', watch_seconds: 600, sessions: 1 },
      { month_start: '2026-11-01', user_id: 'u-2', watch_seconds: 300, sessions: 1 },
      { month_start: '2026-11-01', user_id: 'u-3', watch_seconds: 60, sessions: 1 },
    ]);
  });

  it('rpt_watch_time_by_genre counts a title in full in each genre', () => {
    expect(sortBy(r.rpt_watch_time_by_genre, 'month_start', 'genre')).toEqual([
      { month_start: '2026-10-01', genre: 'action', watch_seconds: 1200, sessions: 1 },
      { month_start: '2026-11-01', genre: 'comedy', watch_seconds: 900, sessions: 2 },
      { month_start: '2026-11-01', genre: 'drama', watch_seconds: 960, sessions: 3 },
    ]);
  });

  it('rpt_watch_time_by_device_type', () => {
    expect(sortBy(r.rpt_watch_time_by_device_type, 'month_start', 'device_type')).toEqual([
      { month_start: '2026-10-01', device_type: 'tv', watch_seconds: 1200, sessions: 1 },
      { month_start: '2026-11-01', device_type: 'mobile', watch_seconds: 300, sessions: 1 },
      { month_start: '2026-11-01', device_type: 'tv', watch_seconds: 600, sessions: 1 },
      { month_start: '2026-11-01', device_type: 'web', watch_seconds: 60, sessions: 1 },
    ]);
  });

  it('rpt_peak_viewing_hours ranks local start hours within weekdays and weekends', () => {
    expect(sortBy(r.rpt_peak_viewing_hours, 'day_type', 'hour_rank')).toEqual([
      { day_type: 'weekday', hour_of_day: 20, watch_seconds: 600, sessions: 1, hour_rank: 1 },
      { day_type: 'weekend', hour_of_day: 20, watch_seconds: 1200, sessions: 1, hour_rank: 1 },
      { day_type: 'weekend', hour_of_day: 21, watch_seconds: 300, sessions: 1, hour_rank: 2 },
      { day_type: 'weekend', hour_of_day: 10, watch_seconds: 60, sessions: 1, hour_rank: 3 },
    ]);
  });

  it('rpt_content_completion counts closed sessions only', () => {
    expect(sortBy(r.rpt_content_completion, 'content_id')).toEqual([
      { content_id: 'mv-1', title: 'One', content_type: 'movie', sessions: 2, completed_sessions: 1, completion_rate: 0.5 },
      { content_id: 'mv-2', title: 'Two', content_type: 'movie', sessions: 1, completed_sessions: 0, completion_rate: 0 },
    ]);
  });

  it('rpt_session_duration averages closed sessions per month', () => {
    expect(sortBy(r.rpt_session_duration, 'month_start')).toEqual([
      { month_start: '2026-10-01', sessions: 1, avg_session_duration_seconds: 1200, avg_watch_duration_seconds: 1200 },
      { month_start: '2026-11-01', sessions: 2, avg_session_duration_seconds: 450, avg_watch_duration_seconds: 450 },
    ]);
  });

  it("rpt_rating_vs_popularity uses each user's latest rating once", () => {
    expect(sortBy(r.rpt_rating_vs_popularity, 'content_id')).toEqual([
      { content_id: 'mv-1', title: 'One', ratings: 2, avg_rating: 4.5, viewers: 2, sessions: 2, watch_seconds: 900 },
      { content_id: 'mv-2', title: 'Two', ratings: 1, avg_rating: 3, viewers: 1, sessions: 1, watch_seconds: 1200 },
      { content_id: 'mv-3', title: 'Three', ratings: 1, avg_rating: 1, viewers: 1, sessions: 1, watch_seconds: 60 },
    ]);
  });

  it('rpt_rating_popularity_correlation computes Pearson r from sums', () => {
    const [row] = r.rpt_rating_popularity_correlation;
    expect(row.titles).toBe(3);
    // x = (4.5, 3, 1); viewers (2, 1, 1); watch (900, 1200, 60), worked out by hand
    expect(row.pearson_rating_viewers as number).toBeCloseTo(0.8219949365, 8);
    expect(row.pearson_rating_watch_seconds as number).toBeCloseTo(0.7661605252, 8);
  });
});

describe('correlation edge cases', () => {
  it('is null when a variance is zero', async () => {
    const w = await freshWarehouse();
    try {
      await load(w, 'catalog', [movie('a', 100), movie('b', 100), movie('c', 100)]);
      const lines = ['a', 'b', 'c'].flatMap((c, i) => [
        ev({ id: `p${c}`, type: 'play', ts: `2026-11-02T1${i}:00:00Z`, session: `S${c}`, content: c, user: `u${c}` }),
        ev({ id: `s${c}`, type: 'stop', ts: `2026-11-02T1${i}:0${i + 1}:00Z`, session: `S${c}`, content: c, user: `u${c}` }),
        ev({ id: `r${c}`, type: 'rate', ts: `2026-11-02T1${i}:30:00Z`, content: c, user: `u${c}`, rating: 4 }),
      ]);
      await load(w, 'events', lines);
      const [row] = (await w.reportTables()).rpt_rating_popularity_correlation;
      expect(row).toEqual({ titles: 3, pearson_rating_viewers: null, pearson_rating_watch_seconds: null });
    } finally {
      await w.close();
    }
  });
});
