/**
 * An event is its event_id and its event_ts (V023): a redelivery keeps its event_ts
 * (warehouse.md, bounded history), so loads look for an event_id only within 72 hours
 * of their own events. An event_id that comes back further away is a new event on
 * both engines, and the load goes through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, load, rows } from './helpers';

let w: LocalWarehouse;
beforeEach(async () => {
  w = await freshWarehouse();
});
afterEach(async () => {
  await w.close();
});

const first = [
  ev({ id: 'e-1', type: 'play', ts: '2026-11-01T20:00:00Z', session: 's-1' }),
  ev({ id: 'r-1', type: 'rate', ts: '2026-11-01T21:00:00Z', rating: 4 }),
];

describe('event identity across loads', () => {
  it('stores an event_id that comes back more than 72 hours away as a new event, and loads the rest of its file', async () => {
    await load(w, 'events', first);
    const later = await load(w, 'events', [
      ev({ id: 'e-1', type: 'play', ts: '2026-11-10T20:00:00Z', session: 's-2' }),
      ev({ id: 'e-2', type: 'stop', ts: '2026-11-10T20:10:00Z', session: 's-2', pos: 600 }),
      ev({ id: 'r-1', type: 'rate', ts: '2026-11-10T21:00:00Z', rating: 2 }),
    ]);
    expect(later.result).toMatchObject({ linesRead: 3, eventsLoaded: 3, duplicates: 0, quarantined: 0 });
    expect(await rows(w, `select event_id, session_id from streamflix.evt_event order by event_ts`)).toEqual([
      { event_id: 'e-1', session_id: 's-1' },
      { event_id: 'r-1', session_id: null },
      { event_id: 'e-1', session_id: 's-2' },
      { event_id: 'e-2', session_id: 's-2' },
      { event_id: 'r-1', session_id: null },
    ]);
    expect(await rows(w, `select rating_event_id, rating_value from streamflix.fact_content_rating order by rated_at`)).toEqual([
      { rating_event_id: 'r-1', rating_value: 4 },
      { rating_event_id: 'r-1', rating_value: 2 },
    ]);
    expect(await rows(w, `select session_id, event_count from streamflix.fact_viewing_session order by session_id`)).toEqual([
      { session_id: 's-1', event_count: 1 },
      { session_id: 's-2', event_count: 2 },
    ]);
  });

  it('drops an event_id that comes back within 72 hours as a duplicate, whatever its event_ts', async () => {
    await load(w, 'events', first);
    const again = await load(w, 'events', [ev({ id: 'e-1', type: 'play', ts: '2026-11-03T19:00:00Z', session: 's-9' })]);
    expect(again.result).toMatchObject({ linesRead: 1, eventsLoaded: 0, duplicates: 1 });
  });

  it('drops a redelivery of either event as a duplicate', async () => {
    await load(w, 'events', first);
    const reused = ev({ id: 'e-1', type: 'play', ts: '2026-11-10T20:00:00Z', session: 's-2' });
    await load(w, 'events', [reused]);
    const redelivered = await load(w, 'events', [first[0]!, reused]);
    expect(redelivered.result).toMatchObject({ linesRead: 2, eventsLoaded: 0, duplicates: 2 });
  });
  it('counts a reused event_id as a duplicate when a late event of the same load stretches the window back to the first copy', async () => {
    await load(w, 'events', first);
    const later = await load(w, 'events', [
      ev({ id: 'e-1', type: 'play', ts: '2026-11-10T20:00:00Z', session: 's-2' }),
      ev({ id: 'x-1', type: 'heartbeat', ts: '2026-10-31T20:00:00Z', session: 's-0', pos: 60 }),
    ]);
    expect(later.result).toMatchObject({ linesRead: 2, eventsLoaded: 1, duplicates: 1 });
  });
});
