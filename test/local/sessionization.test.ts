import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, load, movie, rows } from './helpers';

const session = async (w: LocalWarehouse, id = 's-1'): Promise<Record<string, unknown>> =>
  (await rows(w, `select * from streamflix.fact_viewing_session where session_id = '${id}'`))[0];

describe('sessionization rules (warehouse.md)', () => {
  let w: LocalWarehouse;
  beforeEach(async () => {
    w = await freshWarehouse();
  });
  afterEach(async () => w.close());

  it('orders events by event_ts, then event_id, whatever the file order', async () => {
    // x1 resume and x2 pause share 20:01: resume comes first, so the state after 20:01 is paused
    await load(w, 'events', [
      ev({ id: 'x9', type: 'stop', ts: '2026-11-02T20:02:00Z', pos: 120 }),
      ev({ id: 'x2', type: 'pause', ts: '2026-11-02T20:01:00Z', pos: 60 }),
      ev({ id: 'x0', type: 'play', ts: '2026-11-02T20:00:00Z', pos: 0 }),
      ev({ id: 'x1', type: 'resume', ts: '2026-11-02T20:01:00Z', pos: 60 }),
    ]);
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 60, session_duration_seconds: 120, pause_count: 1, event_count: 4, is_closed: true });
  });

  it('caps each playing gap at 1,800 s', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z' }),
      ev({ id: 'b', type: 'heartbeat', ts: '2026-11-02T20:50:00Z', pos: 60 }),
      ev({ id: 'c', type: 'stop', ts: '2026-11-02T20:51:00Z', pos: 120 }),
    ]);
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 1800 + 60, session_duration_seconds: 3060 });
  });

  it('adds nothing while paused or stopped, nor after the last event, and counts seeks', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z' }),
      ev({ id: 'b', type: 'seek', ts: '2026-11-02T20:00:10Z', pos: 500, from: 10 }),
      ev({ id: 'c', type: 'pause', ts: '2026-11-02T20:00:20Z', pos: 510 }),
      ev({ id: 'd', type: 'heartbeat', ts: '2026-11-02T20:05:00Z', pos: 510 }),
      ev({ id: 'e', type: 'resume', ts: '2026-11-02T20:06:00Z', pos: 510 }),
    ]);
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 20, seek_count: 1, pause_count: 1, event_count: 5, max_position_sec: 510, is_closed: false });
  });

  it('rounds durations half up and max_position_sec down, from exact fractions and zones', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T21:00:00.250+01:00', session: 'r1' }),
      ev({ id: 'b', type: 'stop', ts: '2026-11-02T20:00:10.750Z', session: 'r1', pos: 99.99 }),
      ev({ id: 'c', type: 'play', ts: '2026-11-02T20:00:00Z', session: 'r2' }),
      ev({ id: 'd', type: 'stop', ts: '2026-11-02T20:00:10.499Z', session: 'r2', pos: 10.5 }),
    ]);
    const r1 = await session(w, 'r1');
    expect(r1).toMatchObject({ watch_duration_seconds: 11, session_duration_seconds: 11, max_position_sec: 99 });
    expect((r1.session_start_ts as Date).toISOString()).toBe('2026-11-02T20:00:00.250Z');
    expect(await session(w, 'r2')).toMatchObject({ watch_duration_seconds: 10, session_duration_seconds: 10, max_position_sec: 10 });
  });

  it('rounds max_position_sec down from positions finer than a millisecond, and judges completion on it', async () => {
    // 0.95 x 1,680 s = 1,596 s: 1,595.9996 s rounded to milliseconds would reach it
    await load(w, 'catalog', [movie('mv-1', 1680)]);
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z' }),
      ev({ id: 'b', type: 'seek', ts: '2026-11-02T20:00:30Z', pos: 1595.9996, from: 0.0009 }),
      ev({ id: 'c', type: 'stop', ts: '2026-11-02T20:01:00Z', pos: 1595.9999999 }),
    ]);
    expect(await session(w)).toMatchObject({ max_position_sec: 1595, is_completed_flag: false });
    const stored = await rows(w, 'select event_id, position_sec, from_position_sec from streamflix.evt_event order by event_id');
    expect(stored).toEqual([
      { event_id: 'a', position_sec: '0.000', from_position_sec: null },
      { event_id: 'b', position_sec: '1595.999', from_position_sec: '0.000' },
      { event_id: 'c', position_sec: '1595.999', from_position_sec: null },
    ]);
  });

  it('converts event_ts to UTC exactly across zones, month ends and leap years', async () => {
    const cases: [string, string][] = [
      ['2024-02-29T23:30:00-01:00', '2024-03-01T00:30:00.000Z'],
      ['2000-03-01T00:00:00Z', '2000-03-01T00:00:00.000Z'],
      ['1999-12-31T23:59:59.5+00:00', '1999-12-31T23:59:59.500Z'],
      ['2100-02-28T12:00:00+14:00', '2100-02-27T22:00:00.000Z'],
      ['1969-07-20T20:17:40.123456Z', '1969-07-20T20:17:40.123Z'],
      ['2026-11-02T10:00:00.5+05:30', '2026-11-02T04:30:00.500Z'],
      ['2026-01-01T00:15:00-09:45', '2026-01-01T10:00:00.000Z'],
    ];
    await load(w, 'events', cases.map(([ts], i) => ev({ id: `t${i}`, type: 'play', ts, session: `z${i}` })));
    const r = await rows(w, `select event_id, event_ts, event_us from streamflix.evt_event order by event_id`);
    expect(r.map((x) => (x.event_ts as Date).toISOString())).toEqual(cases.map((c) => c[1]));
    expect(Number(r[4].event_us)).toBe(Date.parse('1969-07-20T20:17:40.123Z') * 1000 + 456);
  });

  it('derives the local date and time keys across day, month and year boundaries', async () => {
    // [event_ts, utc_offset_minutes, local_date_key, local_time_key]
    const cases: [string, number, number, number][] = [
      ['2026-11-02T19:00:00Z', 60, 20261102, 2000],
      ['2026-11-02T23:30:00Z', 60, 20261103, 30],
      ['2026-11-02T00:10:00+02:00', -840, 20261101, 810],
      ['2024-02-29T23:59:59.999999-14:00', 840, 20240302, 359],
      ['2026-12-31T23:59:00Z', 1, 20270101, 0],
      ['2027-01-01T00:00:00Z', -1, 20261231, 2359],
      ['1969-12-31T23:59:59.5Z', 0, 19691231, 2359],
      ['1970-01-01T00:00:59.5+00:01', 0, 19691231, 2359],
      ['0999-03-01T00:30:00+01:00', 0, 9990228, 2330],
    ];
    await load(w, 'events', cases.map(([ts, offset], i) => ev({ id: `k${i}`, type: 'play', ts, offset, session: `k${i}` })));
    const r = await rows(w, 'select local_date_key, local_time_key from streamflix.evt_event order by event_id');
    expect(r).toEqual(cases.map(([, , local_date_key, local_time_key]) => ({ local_date_key, local_time_key })));
    // a year below 1000 has a seven-digit key: its dim_date row is still that date
    expect(await rows(w, `select to_char(full_date, 'YYYY-MM-DD') as d from streamflix.dim_date where date_key = 9990228`)).toEqual([{ d: '0999-02-28' }]);
  });

  it('uses the first event for local start keys and dimension keys', async () => {
    await load(w, 'events', [
      ev({ id: 'b', type: 'stop', ts: '2026-11-02T23:40:00Z', pos: 10, offset: -300, device: 'd-late' }),
      ev({ id: 'a', type: 'play', ts: '2026-11-02T23:30:00Z', offset: 60, device: 'd-first' }),
    ]);
    const r = await rows(
      w,
      `select f.start_date_key, f.start_time_key, d.device_id from streamflix.fact_viewing_session f join streamflix.dim_device d on d.device_key = f.device_key`,
    );
    expect(r).toEqual([{ start_date_key: 20261103, start_time_key: 30, device_id: 'd-first' }]);
  });

  it('recomputes a session from late events arriving in later loads', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z' }),
      ev({ id: 'd', type: 'heartbeat', ts: '2026-11-02T20:01:00Z', pos: 60 }),
    ]);
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 60, event_count: 2, is_closed: false });
    await load(w, 'events', [
      ev({ id: 'b', type: 'pause', ts: '2026-11-02T20:00:30Z', pos: 30 }),
      ev({ id: 'c', type: 'resume', ts: '2026-11-02T20:00:45Z', pos: 30 }),
      ev({ id: 'e', type: 'stop', ts: '2026-11-02T20:02:00Z', pos: 120 }),
    ]);
    // play->pause 30 + (paused) + resume->heartbeat 15 + heartbeat->stop 60
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 105, event_count: 5, pause_count: 1, is_closed: true, last_batch_id: 2 });
  });

  it('recomputes from every stored event when the late ones fall strictly inside the session', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z' }),
      ev({ id: 'z', type: 'stop', ts: '2026-11-02T21:00:00Z', pos: 3000 }),
    ]);
    // only a pause and a resume arrive: the read must still reach the stored play and stop
    await load(w, 'events', [
      ev({ id: 'b', type: 'pause', ts: '2026-11-02T20:10:00Z', pos: 600 }),
      ev({ id: 'c', type: 'resume', ts: '2026-11-02T20:20:00Z', pos: 600 }),
    ]);
    // play->pause 600 + (paused) + resume->stop 2,400 capped at 1,800
    expect(await session(w)).toMatchObject({ watch_duration_seconds: 2400, session_duration_seconds: 3600, event_count: 4, pause_count: 1, is_closed: true });
  });

  it('closes untouched sessions once the watermark is 1,800 s past their end, and only then', async () => {
    await load(w, 'events', [
      ev({ id: 'a1', type: 'play', ts: '2026-11-02T10:00:00Z', session: 'A' }),
      ev({ id: 'a2', type: 'heartbeat', ts: '2026-11-02T10:01:00Z', session: 'A', pos: 60 }),
    ]);
    await load(w, 'events', [ev({ id: 'b1', type: 'play', ts: '2026-11-02T10:30:59Z', session: 'B' })]);
    expect(await session(w, 'A')).toMatchObject({ is_closed: false, last_batch_id: 1 });
    await load(w, 'events', [ev({ id: 'b2', type: 'heartbeat', ts: '2026-11-02T10:31:00Z', session: 'B' })]);
    expect(await session(w, 'A')).toMatchObject({ is_closed: true, last_batch_id: 1, watch_duration_seconds: 60 });
    expect(await session(w, 'B')).toMatchObject({ is_closed: false });
    const [batch] = await rows(w, `select watermark_ts from streamflix.etl_batch where batch_id = 3`);
    expect((batch.watermark_ts as Date).toISOString()).toBe('2026-11-02T10:31:00.000Z');
  });

  it('takes the watermark from loaded events only: a dropped duplicate with a later event_ts closes nothing', async () => {
    await load(w, 'events', [
      ev({ id: 'a1', type: 'play', ts: '2026-11-02T10:00:00Z', session: 'A' }),
      ev({ id: 'a2', type: 'heartbeat', ts: '2026-11-02T10:01:00Z', session: 'A', pos: 60 }),
    ]);
    // an id already loaded comes back within 72 hours with another time (W17): a duplicate
    const again = await load(w, 'events', [ev({ id: 'a2', type: 'heartbeat', ts: '2026-11-02T12:00:00Z', session: 'A', pos: 60 })]);
    expect(again.result).toMatchObject({ eventsLoaded: 0, duplicates: 1, watermark: '2026-11-02T10:01:00.000Z' });
    expect(await session(w, 'A')).toMatchObject({ is_closed: false });
  });

  it('takes the watermark from the first line of an event_id within a load, not from its later copies', async () => {
    const out = await load(w, 'events', [
      ev({ id: 'a1', type: 'play', ts: '2026-11-02T10:00:00Z', session: 'A' }),
      ev({ id: 'a1', type: 'play', ts: '2026-11-02T12:00:00Z', session: 'A' }),
    ]);
    expect(out.result).toMatchObject({ eventsLoaded: 1, duplicates: 1, watermark: '2026-11-02T10:00:00.000Z' });
    expect(await rows(w, `select min_event_ts, max_event_ts from streamflix.etl_batch`)).toEqual([
      // the load's window still spans every valid line: the duplicate look-up reads around it
      { min_event_ts: new Date('2026-11-02T10:00:00Z'), max_event_ts: new Date('2026-11-02T12:00:00Z') },
    ]);
    expect(await session(w, 'A')).toMatchObject({ is_closed: false });
  });

  it('flags completion at 95 % of the duration, false while the duration is unknown, updated when the catalog arrives', async () => {
    await load(w, 'events', [
      ev({ id: 'a', type: 'play', ts: '2026-11-02T20:00:00Z', content: 'mv-x' }),
      ev({ id: 'b', type: 'stop', ts: '2026-11-02T20:30:00Z', content: 'mv-x', pos: 950 }),
    ]);
    expect(await session(w)).toMatchObject({ is_completed_flag: false });
    await load(w, 'catalog', [movie('mv-x', 1000)]);
    expect(await session(w)).toMatchObject({ is_completed_flag: true });
    await load(w, 'catalog', [movie('mv-x', 1001)]);
    expect(await session(w)).toMatchObject({ is_completed_flag: false });
  });
});
