/** Serialises one viewing event as the app would send it (events.md). */
import type { Device, TimestampStyle } from './users';

export type EventType = 'play' | 'pause' | 'resume' | 'seek' | 'heartbeat' | 'stop' | 'rate';

export interface EventFields {
  readonly eventId: string;
  readonly eventType: EventType;
  readonly ts: number;
  readonly userId: string;
  readonly contentId: string;
  readonly sessionId?: string;
  readonly position?: number;
  readonly fromPosition?: number;
  readonly rating?: number;
  readonly device: Device;
  readonly offset: number;
}

const DAY = 86_400_000;
let cachedDay = Number.NaN;
let cachedDate = '';
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DDTHH:MM:SS` and, with `millis`, `.sss` — toISOString's text, without its cost per call. */
function isoLocal(ms: number, millis: boolean): string {
  const day = Math.floor(ms / DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY).toISOString().slice(0, 10);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const text = `${cachedDate}T${two(h)}:${two(m)}:${two(s)}`;
  if (!millis) return text;
  const f = rest - s * 1000;
  return `${text}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}`;
}

/** ISO-8601 with a zone, in the device's style: `Z` or its local offset, with or without milliseconds. */
export function formatTimestamp(ms: number, style: TimestampStyle, offset: number): string {
  if (style === 'utc-ms') return `${isoLocal(ms, true)}Z`;
  if (style === 'utc-s') return `${isoLocal(ms, false)}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${isoLocal(ms + offset * 60_000, style === 'offset-ms')}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

const rounded = (d: Device, v: number): number => (d.wholeSeconds ? Math.floor(v) : Math.round(v * 1000) / 1000);

/**
 * The event's line, exactly `JSON.stringify(eventObject(e))` but built directly:
 * it is the generator's hot path. Every string in it comes from the generator's
 * own ids and word lists, which need no JSON escaping (a test round-trips every line).
 */
export function eventLine(e: EventFields): string {
  const d = e.device;
  let out = `{"event_id":"${e.eventId}","event_type":"${e.eventType}","event_ts":"${formatTimestamp(e.ts, d.tsStyle, e.offset)}","user_id":"${e.userId}","content_id":"${e.contentId}"`;
  if (e.sessionId !== undefined) out += `,"session_id":"${e.sessionId}"`;
  if (e.position !== undefined) out += `,"position_sec":${rounded(d, e.position)}`;
  if (e.fromPosition !== undefined) out += `,"from_position_sec":${rounded(d, e.fromPosition)}`;
  if (e.rating !== undefined) out += `,"rating":${e.rating}`;
  const version = e.ts >= d.upgradeAt ? d.upgradedVersion : d.appVersion;
  out += `,"device":{"device_id":"${d.deviceId}","device_type":"${d.deviceType}","os":"${d.os}"${version === undefined ? '' : `,"app_version":"${version}"`}}`;
  if (!(e.offset === 0 && d.omitsZeroOffset)) out += `,"utc_offset_minutes":${e.offset}`;
  out += '}';
  // The concatenations leave a rope of many small pieces, which would sit in the
  // arrival queue and weigh on the GC; reading a character makes V8 flatten it once.
  out.charCodeAt(0);
  return out;
}

export function eventObject(e: EventFields): Record<string, unknown> {
  const d = e.device;
  const out: Record<string, unknown> = {
    event_id: e.eventId,
    event_type: e.eventType,
    event_ts: formatTimestamp(e.ts, d.tsStyle, e.offset),
    user_id: e.userId,
    content_id: e.contentId,
  };
  if (e.sessionId !== undefined) out.session_id = e.sessionId;
  if (e.position !== undefined) out.position_sec = rounded(d, e.position);
  if (e.fromPosition !== undefined) out.from_position_sec = rounded(d, e.fromPosition);
  if (e.rating !== undefined) out.rating = e.rating;
  const version = e.ts >= d.upgradeAt ? d.upgradedVersion : d.appVersion;
  out.device = { device_id: d.deviceId, device_type: d.deviceType, os: d.os, ...(version === undefined ? {} : { app_version: version }) };
  if (!(e.offset === 0 && d.omitsZeroOffset)) out.utc_offset_minutes = e.offset;
  return out;
}
