/**
 * Streaming benchmark (`npm run bench -- stream`): generator throughput and its
 * memory at two volumes (flat memory means the peak barely moves), replay
 * throughput into kinesalite, and the end-to-end time of the local streaming
 * pipeline for 100k events.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDataset } from '../tools/generator/index';
import { replayFiles } from '../tools/replay/index';
import { runLocalStream } from '../tools/stream/index';
import { startLocalKinesis } from '../tools/stream/local-kinesis';
import { openWarehouse, type WarehouseStep } from '../tools/stream/warehouse-bridge';

const root = join(process.cwd(), '.work', 'bench-stream');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs `work`, sampling the live heap (after a full GC, when --expose-gc is on) once a second. */
async function liveHeap<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number; seconds: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let peak = 0;
  const sample = (): void => {
    gc?.();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 1000);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    sample();
    return { result, peakMb: peak / 1e6, seconds };
  } finally {
    clearInterval(timer);
  }
}

await rm(root, { recursive: true, force: true });

console.log('generator (20,000 users, 60 days, stopped at the target; flat memory = the same live heap at both volumes):');
for (const target of [250_000, 10_000_000]) {
  const { result, peakMb, seconds } = await liveHeap(() => generateDataset(join(root, `gen-${target}`), { seed: 1, users: 20_000, days: 60, targetEvents: target }));
  console.log(`  ${fmt(result.eventLines).padStart(10)} lines in ${seconds.toFixed(2)} s: ${fmt(result.eventLines / seconds)} events/s, live heap ≤ ${peakMb.toFixed(0)} MB`);
  await rm(join(root, `gen-${target}`), { recursive: true, force: true });
}

{
  const dataset = await generateDataset(join(root, 'replay'), { seed: 2, users: 1000, days: 30, targetEvents: 100_000 });
  const kinesis = await startLocalKinesis();
  await kinesis.createStream('bench', 4);
  const summary = await replayFiles({ client: kinesis.client, streamName: 'bench', files: dataset.eventFiles });
  await kinesis.close();
  console.log(`replay into kinesalite (4 shards): ${fmt(summary.sent)} records in ${summary.seconds.toFixed(2)} s: ${fmt(summary.sent / summary.seconds)} records/s (${summary.requests} requests, ${summary.failed} failed)`);
}

{
  let warehouse: WarehouseStep | undefined;
  try {
    warehouse = await openWarehouse();
  } catch (error) {
    console.log(`local warehouse not available, the end-to-end figure stops at bronze: ${(error as Error).message}`);
  }
  const started = performance.now();
  const result = await runLocalStream({
    workDir: join(root, 'local-stream'),
    generator: { seed: 3, users: 1000, days: 30, targetEvents: 100_000 },
    ...(warehouse === undefined ? {} : { load: warehouse.load }),
  });
  const total = (performance.now() - started) / 1000;
  if (warehouse !== undefined) {
    await warehouse.answers();
    await warehouse.close();
  }
  const t = result.timings;
  console.log(
    `local:stream, ${fmt(result.dataset.eventLines)} events: ${total.toFixed(1)} s end to end ` +
    `(generate ${(t.generateMs / 1000).toFixed(1)} s, kinesalite + delivery ${(t.streamMs / 1000).toFixed(1)} s, ` +
    `${warehouse === undefined ? 'warehouse load not run' : `warehouse load ${(t.loadMs / 1000).toFixed(1)} s`}; ${result.delivery.objects} bronze objects)`,
  );
}
await rm(root, { recursive: true, force: true });
