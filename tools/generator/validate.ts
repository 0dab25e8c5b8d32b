/**
 * events.md's validation rules, as a reference for the generator's tests and for
 * anyone checking a file by hand: the first failing rule decides the reason, and
 * `detail` names the first bad field in the order of the spec's table.
 */
import { isBlankLine } from '../shared/blank-line';

export type QuarantineReason = 'malformed_json' | 'unknown_event_type' | 'invalid_field';

export const EVENT_TYPES = ['play', 'pause', 'resume', 'seek', 'heartbeat', 'stop', 'rate'] as const;
export type ValidEventType = (typeof EVENT_TYPES)[number];

export interface ValidEvent {
  readonly eventId: string;
  readonly eventType: ValidEventType;
  /** `event_ts` in UTC milliseconds. */
  readonly ts: number;
  readonly userId: string;
  readonly contentId: string;
  readonly deviceId: string;
  readonly deviceType: string;
  readonly utcOffsetMinutes: number;
  readonly sessionId?: string;
  readonly positionSec?: number;
  readonly rating?: number;
}

export type Verdict =
  | { readonly ok: true; readonly event: ValidEvent }
  | { readonly ok: false; readonly reason: QuarantineReason; readonly detail: string | null };

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** UTC milliseconds of an ISO-8601 timestamp with a required zone, or undefined when it breaks the rule. */
export function parseEventTimestamp(value: string): number | undefined {
  const m = TS.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offset * 60_000;
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && [...v].length <= 64;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The verdict for one line, or undefined for a blank line (skipped, not counted). */
export function validateEventLine(line: string): Verdict | undefined {
  if (isBlankLine(line)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'malformed_json', detail: null };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'malformed_json', detail: null };
  const e = parsed;
  const type = e.event_type;
  if (typeof type === 'string' && !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: 'unknown_event_type', detail: null };
  }
  const invalid = (detail: string): Verdict => ({ ok: false, reason: 'invalid_field', detail });
  if (!isId(e.event_id)) return invalid('event_id');
  if (typeof type !== 'string') return invalid('event_type');
  const ts = typeof e.event_ts === 'string' ? parseEventTimestamp(e.event_ts) : undefined;
  if (ts === undefined) return invalid('event_ts');
  if (!isId(e.user_id)) return invalid('user_id');
  if (!isId(e.content_id)) return invalid('content_id');
  const d = e.device;
  if (!isObject(d) || typeof d.device_id !== 'string' || d.device_id === '' || typeof d.device_type !== 'string' || d.device_type === '') return invalid('device');
  if ((d.os != null && typeof d.os !== 'string') || (d.app_version != null && typeof d.app_version !== 'string')) return invalid('device');
  const offset = e.utc_offset_minutes ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < -840 || offset > 840) return invalid('utc_offset_minutes');
  const playback = type !== 'rate';
  if (playback && !isId(e.session_id)) return invalid('session_id');
  const isPosition = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (playback && !isPosition(e.position_sec)) return invalid('position_sec');
  if (type === 'seek' && e.from_position_sec != null && !isPosition(e.from_position_sec)) return invalid('from_position_sec');
  const rating = e.rating;
  if (type === 'rate' && !(typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5)) return invalid('rating');
  return {
    ok: true,
    event: {
      eventId: e.event_id,
      eventType: type as ValidEventType,
      ts,
      userId: e.user_id,
      contentId: e.content_id,
      deviceId: d.device_id,
      deviceType: d.device_type,
      utcOffsetMinutes: offset,
      ...(playback ? { sessionId: e.session_id as string, positionSec: e.position_sec as number } : {}),
      ...(type === 'rate' ? { rating: rating as number } : {}),
    },
  };
}
