/**
 * Bad lines, each broken in one way that events.md names: not a JSON object
 * (`malformed_json`), an event type nobody knows (`unknown_event_type`), or one
 * field that breaks its rule (`invalid_field`). Never blank: blank lines are
 * skipped and not counted, so they would not exercise the quarantine.
 */
import type { Random } from '../shared/random';

type Mutation = (e: Record<string, unknown>, rng: Random) => void;

const MALFORMED: readonly ((line: string, rng: Random) => string)[] = [
  (line, rng) => line.slice(0, rng.int(1, line.length - 1)), // truncated in flight
  (line) => `[${line}]`,
  () => '<html><body>502 Bad Gateway</body></html>',
  () => 'PING',
  (_line, rng) => String(rng.int(0, 99999)),
  () => 'null',
  () => '"heartbeat"',
  (line) => line.replace(/"event_type":/, 'event_type:'),
  (line) => `${line},`,
];

const UNKNOWN_TYPES = ['buffering', 'ad_impression', 'bitrate_change', 'trailer_play', 'error', 'download'];

const INVALID: readonly Mutation[] = [
  (e) => delete e.event_id,
  (e) => { e.event_id = ''; },
  (e) => { e.event_id = 'x'.repeat(65); },
  (e) => { e.event_id = 12345; },
  (e) => { e.event_type = 7; },
  (e) => delete e.event_type,
  (e) => { e.event_ts = String(e.event_ts).replace('T', ' ').replace(/(Z|[+-]\d\d:\d\d)$/, ''); },
  (e) => { e.event_ts = String(e.event_ts).replace(/(Z|[+-]\d\d:\d\d)$/, ''); },
  (e) => { e.event_ts = 1793646000; },
  (e) => { e.event_ts = '2026-02-30T10:00:00Z'; },
  (e) => { e.event_ts = 'yesterday'; },
  (e) => { e.event_ts = null; },
  (e) => delete e.user_id,
  (e) => { e.user_id = ''; },
  (e) => { e.content_id = 4711; },
  (e) => delete e.content_id,
  (e) => delete e.device,
  (e) => { e.device = 'tv'; },
  (e) => { e.device = { ...(e.device as object), device_id: '' }; },
  (e) => { const d = { ...(e.device as Record<string, unknown>) }; delete d.device_type; e.device = d; },
  (e) => { e.utc_offset_minutes = 900; },
  (e) => { e.utc_offset_minutes = 60.5; },
  (e) => { e.utc_offset_minutes = '60'; },
  (e) => delete e.session_id,
  (e) => { e.session_id = ''; },
  (e) => { e.position_sec = -5; },
  (e) => { e.position_sec = '120'; },
  (e) => delete e.position_sec,
  (e) => { e.event_type = 'seek'; e.from_position_sec = -1; },
];

const INVALID_RATING: readonly Mutation[] = [
  (e) => { e.rating = 0; },
  (e) => { e.rating = 6; },
  (e) => { e.rating = 3.5; },
  (e) => { e.rating = '4'; },
  (e) => delete e.rating,
];

/**
 * `base` is a valid playback event and `rate` a valid rating event (fresh objects,
 * mutated here); the result is one bad line.
 */
export function badLine(rng: Random, base: Record<string, unknown>, rate: Record<string, unknown>): string {
  const roll = rng.next();
  if (roll < 0.3) return rng.pick(MALFORMED)(JSON.stringify(base), rng);
  if (roll < 0.5) {
    base.event_type = rng.pick(UNKNOWN_TYPES);
    return JSON.stringify(base);
  }
  if (roll < 0.6) {
    rng.pick(INVALID_RATING)(rate, rng);
    return JSON.stringify(rate);
  }
  rng.pick(INVALID)(base, rng);
  return JSON.stringify(base);
}
