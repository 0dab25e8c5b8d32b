/**
 * Daily and weekly viewing rhythms, in the viewer's local time: quiet nights, a
 * lunch bump, an evening peak; weekends flatter, longer and busier.
 */
const WEEKDAY = [0.35, 0.15, 0.08, 0.05, 0.04, 0.05, 0.2, 0.45, 0.5, 0.45, 0.45, 0.55, 0.8, 0.75, 0.6, 0.6, 0.75, 1.0, 1.5, 2.3, 2.9, 2.7, 1.9, 1.0];
const WEEKEND = [0.6, 0.35, 0.2, 0.1, 0.06, 0.06, 0.15, 0.35, 0.7, 1.0, 1.2, 1.3, 1.4, 1.4, 1.4, 1.4, 1.5, 1.6, 1.9, 2.4, 2.8, 2.6, 2.0, 1.3];
/** Sessions per local day relative to the user's appetite, Sunday first (as getUTCDay). */
const DAY_FACTOR = [1.25, 0.9, 0.9, 0.92, 0.95, 1.1, 1.3];

function normalised(profile: readonly number[]): number[] {
  const mean = profile.reduce((a, b) => a + b, 0) / profile.length;
  return profile.map((w) => w / mean);
}
const WEEKDAY_N = normalised(WEEKDAY);
const WEEKEND_N = normalised(WEEKEND);

export interface DayProfile {
  /** Expected sessions in this UTC day for a user with an appetite of one session a day. */
  readonly total: number;
  /** Cumulative weights over the 24 UTC hours. */
  readonly cumulative: Float64Array;
}

const cache = new Map<string, DayProfile>();

/** The rhythm of one UTC day (given by its weekday) for viewers at a UTC offset. */
export function dayProfile(offsetMinutes: number, utcWeekday: number): DayProfile {
  const key = `${offsetMinutes}:${utcWeekday}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const cumulative = new Float64Array(24);
  let sum = 0;
  for (let h = 0; h < 24; h += 1) {
    const localMinutes = h * 60 + 30 + offsetMinutes;
    const dayShift = Math.floor(localMinutes / 1440);
    const localHour = Math.floor((((localMinutes % 1440) + 1440) % 1440) / 60);
    const weekday = (((utcWeekday + dayShift) % 7) + 7) % 7;
    const weekend = weekday === 0 || weekday === 6;
    sum += ((weekend ? WEEKEND_N : WEEKDAY_N)[localHour] ?? 1) * (DAY_FACTOR[weekday] ?? 1) / 24;
    cumulative[h] = sum;
  }
  const profile = { total: sum, cumulative };
  cache.set(key, profile);
  return profile;
}
