/**
 * The synthetic audience: users with a time zone, one to three devices, a viewing
 * appetite, and a subscription history (plan and status changes before and during
 * the generated window) that becomes the user snapshot feed.
 */
import type { Random } from '../shared/random';
import { offsetAt, ZONES, type Zone } from './zones';

const DAY = 86_400_000;
const PLANS = ['basic_ads', 'standard', 'premium'] as const;
const GENDERS = ['female', 'male', 'nonbinary', 'undisclosed'];

export type TimestampStyle = 'utc-ms' | 'utc-s' | 'offset-ms' | 'offset-s';

export interface Device {
  readonly deviceId: string;
  /** As the app sends it: usually lower case, sometimes `TV`, `Mobile`. */
  readonly deviceType: string;
  readonly os: string;
  readonly appVersion?: string;
  /** The app updates itself at this instant to `upgradedVersion`. */
  readonly upgradeAt: number;
  readonly upgradedVersion: string;
  readonly tsStyle: TimestampStyle;
  /** Clock and positions in whole seconds (TVs, consoles) or milliseconds. */
  readonly wholeSeconds: boolean;
  readonly heartbeatSec: number;
  /** Leaves out `utc_offset_minutes` when it is 0 (the field defaults to 0). */
  readonly omitsZeroOffset: boolean;
}

export interface UserState {
  readonly from: number;
  readonly plan: string;
  readonly status: 'active' | 'paused' | 'canceled';
}

export interface User {
  readonly userId: string;
  readonly zone: Zone;
  readonly country: string;
  readonly devices: readonly Device[];
  readonly deviceWeights: Float64Array;
  /** Expected sessions per day while active. */
  readonly activity: number;
  readonly timeline: readonly UserState[];
  /** Snapshot feed lines for this user, in the order they are written. */
  readonly lines: readonly string[];
  /** Viewing state, mutated by the session simulation. */
  readonly showProgress: Map<number, number>;
  currentShow: number | undefined;
  resume: { readonly title: number; readonly item: number; readonly position: number } | undefined;
}

const DEVICE_KINDS: readonly { type: string; label: string; os: readonly string[]; weight: number }[] = [
  { type: 'tv', label: 'TV', os: ['tizen', 'webos', 'androidtv', 'roku', 'tvos'], weight: 34 },
  { type: 'mobile', label: 'Mobile', os: ['ios', 'android'], weight: 30 },
  { type: 'web', label: 'Web', os: ['chrome', 'firefox', 'safari', 'edge'], weight: 18 },
  { type: 'tablet', label: 'Tablet', os: ['ipados', 'android'], weight: 12 },
  { type: 'console', label: 'Console', os: ['playstation', 'xbox'], weight: 6 },
];
const DEVICE_CUMULATIVE = cumulative(DEVICE_KINDS.map((k) => k.weight));
const ZONE_CUMULATIVE = cumulative(ZONES.map((z) => z.weight));

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

function device(rng: Random, idPrefix: string, windowStart: number, windowEnd: number): Device {
  const kind = DEVICE_KINDS[rng.pickCumulative(DEVICE_CUMULATIVE)] ?? DEVICE_KINDS[0]!;
  const major = rng.int(4, 6);
  const minor = rng.int(0, 20);
  const wholeSeconds = kind.type === 'tv' || kind.type === 'console';
  const styles: readonly TimestampStyle[] = wholeSeconds ? ['utc-s', 'offset-s'] : ['utc-ms', 'offset-ms', 'utc-ms'];
  return {
    deviceId: `${idPrefix}${rng.hex(12)}`,
    deviceType: rng.chance(0.15) ? kind.label : kind.type,
    os: rng.pick(kind.os),
    ...(kind.type === 'web' && rng.chance(0.5) ? {} : { appVersion: `${major}.${minor}.${rng.int(0, 9)}` }),
    upgradeAt: rng.chance(0.3) ? windowStart + rng.next() * (windowEnd - windowStart) : Number.POSITIVE_INFINITY,
    upgradedVersion: `${major}.${minor + 1}.0`,
    tsStyle: rng.pick(styles),
    wholeSeconds,
    heartbeatSec: kind.type === 'mobile' || kind.type === 'tablet' ? 30 : 60,
    omitsZeroOffset: rng.chance(0.4),
  };
}

function isoWithZone(rng: Random, ms: number, offset: number): string {
  if (rng.chance(0.5)) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The subscription history: a first state at sign-up, then plan and status changes. */
function timeline(rng: Random, signup: number, windowStart: number, windowEnd: number): UserState[] {
  const states: UserState[] = [];
  let plan: string = PLANS[rng.pickCumulative([35, 80, 100])] ?? 'standard';
  states.push({ from: signup, plan, status: 'active' });
  // Some users changed plan before the window: history the dimension must keep.
  if (signup < windowStart - 30 * DAY && rng.chance(0.3)) {
    plan = rng.pick(PLANS.filter((p) => p !== plan));
    states.push({ from: signup + rng.next() * (windowStart - signup), plan, status: 'active' });
  }
  const months = (windowEnd - windowStart) / (30 * DAY);
  const from = Math.max(signup, windowStart);
  const at = (): number => from + rng.next() * (windowEnd - from);
  const changes: SubscriptionChange[] = [];
  if (rng.chance(0.1 * months)) changes.push({ from: at(), plan: rng.pick(PLANS.filter((p) => p !== plan)) });
  if (rng.chance(0.04 * months)) {
    const start = at();
    changes.push({ from: start, status: 'paused' });
    if (rng.chance(0.6)) changes.push({ from: start + rng.int(3, 20) * DAY, status: 'active' });
  } else if (rng.chance(0.04 * months)) {
    const start = at();
    changes.push({ from: start, status: 'canceled' });
    if (rng.chance(0.25)) changes.push({ from: start + rng.int(5, 25) * DAY, status: 'active' });
  }
  return applyChanges(states, changes);
}

/** A change of plan or of status, at an instant (ms). */
export type SubscriptionChange =
  | { readonly from: number; readonly plan: string }
  | { readonly from: number; readonly status: UserState['status'] };

/**
 * The history after `changes`, taken in time order (rounded to whole seconds): a plan
 * change keeps the status in force (a paused subscriber who switches plan stays
 * paused), a status change keeps the plan in force.
 */
export function applyChanges(states: readonly UserState[], changes: readonly SubscriptionChange[]): UserState[] {
  const out = [...states];
  for (const change of [...changes].sort((a, b) => a.from - b.from)) {
    const prev = out[out.length - 1]!;
    out.push({
      from: Math.round(change.from / 1000) * 1000,
      plan: 'plan' in change ? change.plan : prev.plan,
      status: 'status' in change ? change.status : prev.status,
    });
  }
  return out;
}

export function buildUsers(rng: Random, count: number, windowStart: number, windowEnd: number): User[] {
  const users: User[] = [];
  for (let n = 1; n <= count; n += 1) {
    const userId = `u-${String(n).padStart(6, '0')}`;
    const zone = ZONES[rng.pickCumulative(ZONE_CUMULATIVE)] ?? ZONES[0]!;
    // Most users signed up before the window; some join during it.
    const signup = Math.round(
      (rng.chance(0.88)
        ? windowStart - rng.int(1, 1200) * DAY - rng.next() * DAY
        : windowStart + rng.next() * 0.8 * (windowEnd - windowStart)) / 1000,
    ) * 1000;
    const states = timeline(rng, signup, windowStart, windowEnd);
    const deviceCount = rng.pick([1, 1, 2, 2, 2, 3]);
    const devices = Array.from({ length: deviceCount }, () => device(rng, 'd-', windowStart, windowEnd));
    const deviceWeights = cumulative(devices.map((_, i) => (i === 0 ? 3 : 1)));
    const planBoost = states[0]?.plan === 'premium' ? 1.3 : 1;
    const activity = Math.min(6, Math.exp(Math.log(0.7) + 0.8 * rng.normal()) * planBoost);

    const signupDate = new Date(signup).toISOString().slice(0, 10);
    const birthYear = rng.chance(0.8) ? rng.int(1950, 2008) : undefined;
    const gender = rng.chance(0.7) ? rng.pick(GENDERS) : undefined;
    const lines: string[] = [];
    states.forEach((state, i) => {
      const snapshot = (at: number): string => JSON.stringify({
        user_id: userId,
        updated_at: isoWithZone(rng, at, offsetAt(zone, at)),
        country: zone.country,
        plan: state.plan,
        subscription_status: state.status,
        signup_date: signupDate,
        ...(birthYear === undefined ? {} : { birth_year: birthYear }),
        ...(gender === undefined ? {} : { gender }),
      });
      lines.push(snapshot(state.from));
      // A profile edit re-sends the state in force: a snapshot that adds nothing.
      const echo = state.from + rng.int(1, 9) * DAY;
      if (rng.chance(0.08) && echo < (states[i + 1]?.from ?? Number.POSITIVE_INFINITY)) lines.push(snapshot(echo));
    });
    // Snapshots may arrive out of order.
    if (lines.length > 1 && rng.chance(0.05)) lines.reverse();
    // A few users are not described yet when their events arrive (inferred members).
    const listed = !rng.chance(0.015);
    users.push({
      userId,
      zone,
      country: zone.country,
      devices,
      deviceWeights,
      activity,
      timeline: states,
      lines: listed ? lines : [],
      showProgress: new Map(),
      currentShow: undefined,
      resume: undefined,
    });
  }
  return users;
}

/** The state in force at `t`, or undefined before sign-up. */
export function stateAt(user: User, t: number): UserState | undefined {
  let found: UserState | undefined;
  for (const state of user.timeline) {
    if (state.from <= t) found = state;
    else break;
  }
  return found;
}
