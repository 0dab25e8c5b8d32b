/**
 * Local engine benchmark (`npm run bench -- local`): end-to-end load throughput of
 * 100k and 1M generated events, peak memory, and the cost of one 10k-event load on
 * top of 100k versus 1M events of history.
 *
 * History grows in time at a constant density (1,000 users, ~50 events per user-day:
 * 100k events are 2 days, 1M events are 20 days), as a warehouse's history does. Then
 * both warehouses are reopened on their files and take three 10k-event loads each, in
 * turn (100k, 1M, 100k, …), continuing right after their history with late events
 * reaching back into it; the median of each three is its 10k figure. On a noisy machine
 * one load's time swings by half and the speed drifts by a quarter within minutes: taken
 * in turn, both sides see the same machine. Generation time is not counted. The database
 * files live in a temporary directory on disk (PGlite's Node filesystem), not in the
 * process's memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { generateDataset, type GeneratedDataset } from '../tools/generator/index';
import { openLocalWarehouse, type LocalWarehouse } from '../local/warehouse';

const USERS = 1000;
const START = '2026-09-01';
const root = mkdtempSync(join(tmpdir(), 'streamflix-bench-'));

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function generate(name: string, days: number, startDate: string, seed: number, targetEvents?: number, eventsPerFile = 50_000): Promise<GeneratedDataset> {
  return generateDataset(join(root, name), { seed, users: USERS, days, startDate, targetEvents, eventsPerFile });
}

/** The dataset's reference feeds and event files, timed. */
async function loadAll(w: LocalWarehouse, ds: GeneratedDataset): Promise<{ ms: number; lines: number }> {
  const started = performance.now();
  await w.loadFiles([
    { kind: 'catalog', path: ds.catalogFile },
    { kind: 'users', path: ds.usersFile },
    ...ds.eventFiles.map((path) => ({ kind: 'events' as const, path })),
  ]);
  return { ms: performance.now() - started, lines: ds.eventLines };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SMALL_LOADS = 3;

/**
 * A fixed PGlite workload (hashing 300k short texts), timed before and after: shared and
 * virtual machines drift by a quarter within an hour, so figures from two runs compare
 * only together with this reference.
 */
async function machineReference(): Promise<number> {
  const db = new PGlite();
  await db.waitReady;
  await db.query('select sum(length(md5(i::text))) from generate_series(1, 300000) as i'); // warm-up
  const started = performance.now();
  await db.query('select sum(length(md5(i::text))) from generate_series(1, 300000) as i');
  const ms = performance.now() - started;
  await db.close();
  return ms;
}
const peakMb = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * The time to touch 64 MB of new memory for the first time, the other way machines differ:
 * a load writes into memory it has not used before (WASM growth, buffers), and where each
 * 4 KB page faults on its own (no transparent huge pages) a virtual machine seen here paid
 * ~17 µs a page, ~280 ms for these 64 MB.
 */
function firstTouchMs(): number {
  const started = performance.now();
  Buffer.allocUnsafeSlow(64 * 1024 * 1024).fill(1); // above malloc's mmap threshold: new pages
  return performance.now() - started;
}

interface History {
  readonly label: string;
  readonly throughput: number;
  readonly dataDir: string;
  /** The 10k-event files that continue the history. */
  readonly next: readonly string[];
}

const progressOf = (label: string) => (m: string) => process.stderr.write(`  ${label}: ${m.slice(0, 140)}\n`);

async function loadHistory(label: string, days: number): Promise<History> {
  const history = await generate(`${label}-history`, days, START, 1);
  const next = await generate(`${label}-next`, 1, addDays(START, days), 2, SMALL_LOADS * 10_000, 10_000);
  if (next.eventFiles.length < SMALL_LOADS) throw new Error(`the generator wrote ${next.eventFiles.length} 10k-event files; the bench needs ${SMALL_LOADS}`);
  // database files on disk (PGlite's Node filesystem), as a warehouse keeps them
  const dataDir = join(root, `${label}-db`);
  const w = await openLocalWarehouse({ dataDir, progress: progressOf(label) });
  try {
    const big = await loadAll(w, history);
    const throughput = (big.lines / big.ms) * 1000;
    console.log(
      `${label.padEnd(5)} history: ${fmt(big.lines)} event lines in ${history.eventFiles.length} loads, ${fmt(big.ms)} ms -> ${fmt(throughput)} events/s ` +
        `(peak RSS so far ${fmt(peakMb())} MB)`,
    );
    return { label, throughput, dataDir, next: next.eventFiles.slice(0, SMALL_LOADS) };
  } finally {
    await w.close();
  }
}

/** The 10k-event loads of each history, in turn; each history's median time. */
async function smallLoadsInTurn(histories: readonly History[]): Promise<number[]> {
  const warehouses: LocalWarehouse[] = [];
  try {
    for (const h of histories) warehouses.push(await openLocalWarehouse({ dataDir: h.dataDir, progress: progressOf(h.label) }));
    const times: number[][] = histories.map(() => []);
    for (let i = 0; i < SMALL_LOADS; i++) {
      for (const [j, h] of histories.entries()) {
        const started = performance.now();
        await warehouses[j].loadFiles([{ kind: 'events', path: h.next[i] }]);
        times[j].push(performance.now() - started);
      }
    }
    for (const [j, h] of histories.entries()) {
      console.log(`${h.label.padEnd(5)} 10k loads on the reopened warehouse: ${times[j].map(fmt).join(', ')} ms, median ${fmt(median(times[j]))} ms`);
    }
    return times.map(median);
  } finally {
    for (const w of warehouses) await w.close();
  }
}

try {
  const refBefore = await machineReference();
  const touchBefore = firstTouchMs();
  console.log('local engine (PGlite), one process, generated data; generation not timed');
  const small = await loadHistory('100k', 2);
  global.gc?.();
  const large = await loadHistory('1M', 20);
  const historyPeak = peakMb();
  global.gc?.();
  const [smallMs, largeMs] = await smallLoadsInTurn([small, large]);
  const ratio = largeMs / smallMs;
  console.log('');
  console.log(`throughput 100k: ${fmt(small.throughput)} events/s (target >= 25,000)`);
  console.log(`throughput 1M:   ${fmt(large.throughput)} events/s (target >= 25,000)`);
  console.log(`peak memory:     ${fmt(historyPeak)} MB RSS through the 1M history (target < 2,048 at 1M); ${fmt(peakMb())} MB with both warehouses reopened`);
  console.log(`10k load on 1M vs on 100k history (median of ${SMALL_LOADS}, in turn): ${fmt(largeMs)} ms / ${fmt(smallMs)} ms = ratio ${ratio.toFixed(2)} (target < 1.5)`);
  console.log(`machine reference: ${fmt(refBefore)} ms before, ${fmt(await machineReference())} ms after (a fixed PGlite workload; lower is a faster machine)`);
  console.log(`first touch of 64 MB of new memory: ${fmt(touchBefore)} ms before, ${fmt(firstTouchMs())} ms after (lower is a faster machine)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
