/**
 * Time zones of the synthetic audience, with their daylight-saving rules, so that
 * `utc_offset_minutes` follows the user's zone through the DST changes of the
 * generated weeks (Europe and the US change on different Sundays; the southern
 * hemisphere changes the other way; some zones never change; some are off the hour).
 */
type DstRule = 'none' | 'eu' | 'us' | 'au' | 'nz';

export interface Zone {
  readonly name: string;
  readonly country: string;
  readonly standardOffset: number;
  readonly dst: DstRule;
  /** Relative share of users. */
  readonly weight: number;
}

export const ZONES: readonly Zone[] = [
  { name: 'America/New_York', country: 'US', standardOffset: -300, dst: 'us', weight: 14 },
  { name: 'America/Chicago', country: 'US', standardOffset: -360, dst: 'us', weight: 8 },
  { name: 'America/Denver', country: 'US', standardOffset: -420, dst: 'us', weight: 3 },
  { name: 'America/Los_Angeles', country: 'US', standardOffset: -480, dst: 'us', weight: 8 },
  { name: 'Pacific/Honolulu', country: 'US', standardOffset: -600, dst: 'none', weight: 1 },
  { name: 'America/Toronto', country: 'CA', standardOffset: -300, dst: 'us', weight: 4 },
  { name: 'America/Mexico_City', country: 'MX', standardOffset: -360, dst: 'none', weight: 4 },
  { name: 'America/Sao_Paulo', country: 'BR', standardOffset: -180, dst: 'none', weight: 7 },
  { name: 'Europe/London', country: 'GB', standardOffset: 0, dst: 'eu', weight: 8 },
  { name: 'Europe/Dublin', country: 'IE', standardOffset: 0, dst: 'eu', weight: 1 },
  { name: 'Europe/Berlin', country: 'DE', standardOffset: 60, dst: 'eu', weight: 8 },
  { name: 'Europe/Paris', country: 'FR', standardOffset: 60, dst: 'eu', weight: 6 },
  { name: 'Europe/Madrid', country: 'ES', standardOffset: 60, dst: 'eu', weight: 4 },
  { name: 'Europe/Warsaw', country: 'PL', standardOffset: 60, dst: 'eu', weight: 3 },
  { name: 'Europe/Helsinki', country: 'FI', standardOffset: 120, dst: 'eu', weight: 1 },
  { name: 'Africa/Lagos', country: 'NG', standardOffset: 60, dst: 'none', weight: 2 },
  { name: 'Asia/Kolkata', country: 'IN', standardOffset: 330, dst: 'none', weight: 6 },
  { name: 'Asia/Kathmandu', country: 'NP', standardOffset: 345, dst: 'none', weight: 1 },
  { name: 'Asia/Tokyo', country: 'JP', standardOffset: 540, dst: 'none', weight: 4 },
  { name: 'Asia/Seoul', country: 'KR', standardOffset: 540, dst: 'none', weight: 2 },
  { name: 'Australia/Sydney', country: 'AU', standardOffset: 600, dst: 'au', weight: 3 },
  { name: 'Pacific/Auckland', country: 'NZ', standardOffset: 720, dst: 'nz', weight: 1 },
  { name: 'Pacific/Kiritimati', country: 'KI', standardOffset: 840, dst: 'none', weight: 0.2 },
];

const HOUR = 3_600_000;

/** Midnight UTC of the n-th Sunday (n ≥ 1) or, with n = -1, the last Sunday of a month. */
function sunday(year: number, month: number, n: number): number {
  if (n === -1) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay());
  }
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return Date.UTC(year, month, 1 + ((7 - first) % 7) + 7 * (n - 1));
}

const transitions = new Map<string, readonly [number, number]>();

/** [start, end) of daylight saving time in UTC milliseconds for a rule and year. */
function dstWindow(rule: Exclude<DstRule, 'none'>, std: number, year: number): readonly [number, number] {
  const key = `${rule}:${std}:${year}`;
  const cached = transitions.get(key);
  if (cached) return cached;
  const min = 60_000;
  let window: readonly [number, number];
  switch (rule) {
    case 'eu':
      window = [sunday(year, 2, -1) + HOUR, sunday(year, 9, -1) + HOUR];
      break;
    case 'us':
      window = [sunday(year, 2, 2) + 2 * HOUR - std * min, sunday(year, 10, 1) + 2 * HOUR - (std + 60) * min];
      break;
    case 'au':
      // Southern hemisphere: the window is the part of the year *outside* [end, start).
      window = [sunday(year, 9, 1) + 2 * HOUR - std * min, sunday(year, 3, 1) + 3 * HOUR - (std + 60) * min];
      break;
    case 'nz':
      window = [sunday(year, 8, -1) + 2 * HOUR - std * min, sunday(year, 3, 1) + 3 * HOUR - (std + 60) * min];
      break;
  }
  transitions.set(key, window);
  return window;
}

/** The zone's offset from UTC in minutes at a UTC instant. */
export function offsetAt(zone: Zone, utcMs: number): number {
  if (zone.dst === 'none') return zone.standardOffset;
  const year = new Date(utcMs).getUTCFullYear();
  const [start, end] = dstWindow(zone.dst, zone.standardOffset, year);
  const summer = start < end ? utcMs >= start && utcMs < end : utcMs >= start || utcMs < end;
  return zone.standardOffset + (summer ? 60 : 0);
}
