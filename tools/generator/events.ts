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

/** ISO-8601 with a zone, in the device's style: `Z` or its local offset, with or without milliseconds. */
export function formatTimestamp(ms: number, style: TimestampStyle, offset: number): string {
  if (style === 'utc-ms') return new Date(ms).toISOString();
  if (style === 'utc-s') return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const local = new Date(ms + offset * 60_000).toISOString();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, style === 'offset-ms' ? 23 : 19)}${zone}`;
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
  if (e.position !== undefined) out.position_sec = d.wholeSeconds ? Math.floor(e.position) : Math.round(e.position * 1000) / 1000;
  if (e.fromPosition !== undefined) out.from_position_sec = d.wholeSeconds ? Math.floor(e.fromPosition) : Math.round(e.fromPosition * 1000) / 1000;
  if (e.rating !== undefined) out.rating = e.rating;
  const version = e.ts >= d.upgradeAt ? d.upgradedVersion : d.appVersion;
  out.device = { device_id: d.deviceId, device_type: d.deviceType, os: d.os, ...(version === undefined ? {} : { app_version: version }) };
  if (!(e.offset === 0 && d.omitsZeroOffset)) out.utc_offset_minutes = e.offset;
  return out;
}
