/**
 * The StreamFlix traffic generator: a catalog, user snapshots and NDJSON viewing
 * events for realistic sessions, deterministic for a seed and streamed to disk
 * (memory stays flat whatever the volume). The local run's default dataset and
 * the benchmarks come from here.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { progressBar } from '../shared/progress';
import { Random } from '../shared/random';
import { badLine } from './bad-lines';
import { buildCatalog, catalogLines } from './catalog';
import { eventLine, eventObject, type EventFields } from './events';
import { LineFiles } from './line-files';
import { dayProfile } from './rhythm';
import { ViewingSimulator } from './sessions';
import { ArrivalQueue } from './arrival-queue';
import { buildUsers, stateAt } from './users';
import { offsetAt } from './zones';

export interface GeneratorOptions {
  readonly seed: number;
  readonly users: number;
  readonly days: number;
  /** First day of the generated window, `YYYY-MM-DD` (UTC). @default '2026-09-01' */
  readonly startDate?: string;
  /**
   * Write exactly this many event lines (fewer only if the window ends first): no session
   * starts once this many lines are planned, and the stream is cut at this line in arrival
   * order, as if collection stopped there (late and repeated lines still in flight are not
   * written).
   * @default no limit (the whole window)
   */
  readonly targetEvents?: number;
  /** Lines per event file. @default 50_000 */
  readonly eventsPerFile?: number;
  /** Share of real events that arrive late (2 minutes to 48 hours after their time). @default 0.02 */
  readonly lateRate?: number;
  /** Share of real events that are sent a second time, byte for byte. @default 0.01 */
  readonly duplicateRate?: number;
  /** Share of all event lines that are bad (malformed JSON, unknown type, invalid field); below 0.5. @default 0.005 */
  readonly badLineRate?: number;
  /** Gzip the event files (`.ndjson.gz`); the reference feeds stay plain. @default false */
  readonly gzip?: boolean;
  /** Draw a progress bar on stderr. @default false */
  readonly progress?: boolean;
}

export interface GeneratedDataset {
  readonly catalogFile: string;
  readonly usersFile: string;
  /** Event files in load order (name order). */
  readonly eventFiles: readonly string[];
  /** All lines of the event files: valid events, duplicates and bad lines. */
  readonly eventLines: number;
  /** Lines that must be quarantined. */
  readonly badLines: number;
  /** Exact repeats of an earlier valid line (same `event_id`), to be dropped as duplicates. */
  readonly duplicateLines: number;
}

const DAY = 86_400_000;
export const DEFAULT_START_DATE = '2026-09-01';
/** Each rate is a share in [0, bound): the options check and the CLI's flags use these. */
export const RATE_BELOW = { lateRate: 1, duplicateRate: 1, badLineRate: 0.5 } as const;

function mix(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream, 0x85ebca6b)) >>> 0;
}

/** The calendar day a YYYY-MM-DD text names, as YYYY-MM-DD; '' when it names none. */
function isoDay(text: string): string {
  const at = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(at) ? '' : new Date(at).toISOString().slice(0, 10);
}

function checkOptions(o: GeneratorOptions): void {
  const problems: string[] = [];
  // the generator mixes the seed as 32 bits: a wider one would only repeat a smaller one
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) problems.push(`seed must be a whole number from 0 to 4294967295, e.g. --seed 42; got ${o.seed}`);
  if (!Number.isInteger(o.users) || o.users < 1) problems.push('users must be a whole number ≥ 1, e.g. --users 500');
  if (!Number.isInteger(o.days) || o.days < 1) problems.push('days must be a whole number ≥ 1, e.g. --days 28');
  // Date.parse rolls an impossible day over (2026-02-30 is March 2): the date must come back as given
  if (o.startDate !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(o.startDate) && isoDay(o.startDate) === o.startDate)) {
    problems.push(`startDate must be a real date as YYYY-MM-DD, e.g. 2026-09-01; got '${o.startDate}'`);
  }
  if (o.eventsPerFile !== undefined && (!Number.isInteger(o.eventsPerFile) || o.eventsPerFile < 1)) problems.push('eventsPerFile must be a whole number ≥ 1');
  if (o.targetEvents !== undefined && (!Number.isInteger(o.targetEvents) || o.targetEvents < 1)) problems.push(`targetEvents must be a whole number ≥ 1, e.g. --events 300000; got ${o.targetEvents}`);
  for (const [name, max] of Object.entries(RATE_BELOW) as [keyof typeof RATE_BELOW, number][]) {
    const value = o[name];
    if (value !== undefined && !(value >= 0 && value < max)) problems.push(`${name} must be in [0, ${max}), got ${value}`);
  }
  if (problems.length > 0) throw new Error(`generator: ${problems.join('; ')}`);
}

/** Log-uniform delay in milliseconds between `min` and `max`. */
function logUniform(rng: Random, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min))));
}

export async function generateDataset(outDir: string, options: GeneratorOptions): Promise<GeneratedDataset> {
  checkOptions(options);
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  const lateRate = options.lateRate ?? 0.02;
  const duplicateRate = options.duplicateRate ?? 0.01;
  const badLineRate = options.badLineRate ?? 0.005;
  const target = options.targetEvents ?? Number.POSITIVE_INFINITY;
  const windowStart = Date.parse(`${startDate}T00:00:00Z`);
  const windowEnd = windowStart + options.days * DAY;

  const eventsDir = join(outDir, 'events');
  await mkdir(eventsDir, { recursive: true });
  // A smaller run must not leave a bigger earlier run's files behind.
  for (const name of await readdir(eventsDir)) {
    if (/^events-\d+\.ndjson(\.gz)?$/.test(name)) await rm(join(eventsDir, name));
  }

  // Independent streams: changing one rate never changes the rest of the data.
  const catalog = buildCatalog(new Random(mix(options.seed, 1)), options.users, new Date(windowStart).getUTCFullYear());
  const users = buildUsers(new Random(mix(options.seed, 2)), options.users, windowStart, windowEnd);
  const planRng = new Random(mix(options.seed, 3));
  const sessionRng = new Random(mix(options.seed, 4));
  const lateRng = new Random(mix(options.seed, 5));
  const duplicateRng = new Random(mix(options.seed, 6));
  const badRng = new Random(mix(options.seed, 7));

  const catalogFile = join(outDir, 'catalog.ndjson');
  const usersFile = join(outDir, 'users.ndjson');
  await writeFile(catalogFile, `${catalogLines(catalog).join('\n')}\n`);
  await writeFile(usersFile, users.flatMap((u) => u.lines).map((l) => `${l}\n`).join(''));

  const tag = options.seed.toString(36).replace('-', 'n');
  let eventNo = 0;
  let sessionNo = 0;
  let badNo = 0;
  const ids = {
    eventId: () => `e${tag}-${(eventNo++).toString(36).padStart(6, '0')}`,
    sessionId: () => `s${tag}-${(sessionNo++).toString(36).padStart(5, '0')}`,
  };

  const queue = new ArrivalQueue();
  let duplicateLines = 0;
  const sink = {
    emit(event: EventFields): void {
      const line = eventLine(event);
      const arrival = lateRng.chance(lateRate) ? event.ts + logUniform(lateRng, 120_000, 48 * 3_600_000) : event.ts;
      queue.push(arrival, line);
      if (duplicateRng.chance(duplicateRate)) {
        // Mostly a client retry seconds later; sometimes a redelivery hours later.
        const delay = duplicateRng.chance(0.7) ? duplicateRng.int(0, 30_000) : logUniform(duplicateRng, 60_000, 24 * 3_600_000);
        queue.push(arrival + delay, line, true);
      }
    },
  };
  const simulator = new ViewingSimulator(sessionRng, catalog, ids, sink);

  const files = new LineFiles(eventsDir, options.eventsPerFile ?? 50_000, options.gzip ?? false);
  const badShare = badLineRate / (1 - badLineRate);
  let lines = 0;
  let badLines = 0;
  const progress = progressBar(options.progress ?? false, { label: 'generate', ...(Number.isFinite(target) ? { total: target } : {}) });

  const writeBad = async (at: number): Promise<void> => {
    const user = users[badRng.int(0, users.length - 1)]!;
    const device = user.devices[0]!;
    const title = catalog.titles[badRng.int(0, catalog.titles.length - 1)]!;
    const contentId = title.items[0]!.contentId;
    const offset = offsetAt(user.zone, at);
    const id = (): string => `x${tag}-${(badNo++).toString(36).padStart(5, '0')}`;
    const base = eventObject({ eventId: id(), eventType: 'heartbeat', ts: at, userId: user.userId, contentId, sessionId: `sx${tag}-${badNo}`, position: badRng.int(0, 3000), device, offset });
    const rate = eventObject({ eventId: id(), eventType: 'rate', ts: at, userId: user.userId, contentId, rating: badRng.int(1, 5), device, offset });
    await files.write(badLine(badRng, base, rate));
    badLines += 1;
    lines += 1;
  };
  // Nothing is written past the target: the stream ends at its target-th line.
  const flushBefore = async (until: number): Promise<void> => {
    while (queue.peekArrival() < until && lines < target) {
      const { arrival, line, repeat } = queue.pop()!;
      if (badRng.chance(badShare)) {
        await writeBad(arrival);
        if (lines >= target) break;
      }
      await files.write(line);
      lines += 1;
      if (repeat) duplicateLines += 1;
    }
  };

  let stopped = false;
  for (let day = 0; day < options.days && !stopped; day += 1) {
    const dayStart = windowStart + day * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const slots: { t: number; u: number }[] = [];
    users.forEach((user, u) => {
      const profile = dayProfile(offsetAt(user.zone, dayStart + DAY / 2), weekday);
      const count = planRng.poisson(user.activity * profile.total);
      for (let k = 0; k < count; k += 1) {
        const t = dayStart + planRng.pickCumulative(profile.cumulative) * 3_600_000 + Math.floor(planRng.next() * 3_600_000);
        // Paused and canceled subscribers do not watch; nor does anyone before signing up.
        if (stateAt(user, t)?.status === 'active') slots.push({ t, u });
      }
    });
    slots.sort((a, b) => a.t - b.t || a.u - b.u);
    for (const slot of slots) {
      await flushBefore(slot.t);
      if (lines + queue.size >= target) {
        stopped = true;
        break;
      }
      simulator.run(users[slot.u]!, slot.t);
    }
    if (!stopped) await flushBefore(dayStart + DAY);
    // Without a target, the total is estimated from the days done so far.
    if (!Number.isFinite(target)) progress.setTotal(Math.round((lines / (day + 1)) * options.days));
    progress.update(lines, `day ${day + 1}/${options.days}`);
  }
  await flushBefore(Number.POSITIVE_INFINITY);
  await files.close();
  progress.update(lines);
  progress.finish(`${files.files.length} files, ${badLines} bad, ${duplicateLines} duplicates`);

  return { catalogFile, usersFile, eventFiles: files.files, eventLines: lines, badLines, duplicateLines };
}
