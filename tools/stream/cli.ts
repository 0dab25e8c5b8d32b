/**
 * `npm run local:stream -- [--users N] [--days N] [--seed N] [--events N] [--shards N]
 *   [--bronze dir|s3rver] [--work DIR] [--rate N] [--no-progress]`
 * Generator → replay → kinesalite → delivery → bronze → local warehouse → the five answers.
 * Progress on stderr; stdout carries only the answers.
 */
import { parseArgs } from 'node:util';
import { intOption, numberOption, runCli, UsageError } from '../shared/cli-args';
import { quietSdkNodeNotice } from '../shared/sdk-notice';
import { runLocalStream } from './index';
import { openWarehouse } from './warehouse-bridge';

const USAGE = `usage: npm run local:stream -- [--users 200] [--days 35] [--seed 42] [--events N] [--shards 4]
       [--bronze dir|s3rver] [--work .work/local-stream] [--rate RECORDS_PER_SECOND]
       [--buffer-bytes 1048576] [--buffer-ms 2000] [--no-progress]`;

// every client of this pipeline talks to kinesalite or s3rver
quietSdkNodeNotice();

runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      events: { type: 'string' },
      shards: { type: 'string' },
      bronze: { type: 'string' },
      work: { type: 'string' },
      rate: { type: 'string' },
      'buffer-bytes': { type: 'string' },
      'buffer-ms': { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bronze = values.bronze ?? 'dir';
  if (bronze !== 'dir' && bronze !== 's3rver') throw new UsageError(`--bronze must be dir or s3rver, got '${bronze}'`);
  const targetEvents = numberOption(values.events, 'events');
  const rate = numberOption(values.rate, 'rate');
  const progress = !(values['no-progress'] ?? false);
  const warehouse = await openWarehouse(progress ? { progress: (m) => process.stderr.write(`${m}\n`) } : {});
  try {
    const result = await runLocalStream({
      workDir: values.work ?? '.work/local-stream',
      // Five weeks of 200 viewers: about 340k lines (some 50 lines per viewer and day).
      generator: {
        seed: intOption(values.seed, 'seed', 42),
        users: intOption(values.users, 'users', 200, 1),
        days: intOption(values.days, 'days', 35, 1),
        ...(targetEvents === undefined ? {} : { targetEvents }),
        eventsPerFile: 25_000,
      },
      bronze,
      shards: intOption(values.shards, 'shards', 4, 1),
      bufferSizeBytes: intOption(values['buffer-bytes'], 'buffer-bytes', 1024 * 1024, 1),
      bufferIntervalMs: intOption(values['buffer-ms'], 'buffer-ms', 2000, 1),
      ...(rate === undefined ? {} : { ratePerSecond: rate }),
      progress,
      load: warehouse.load,
    });
    const r = result.replay;
    process.stderr.write(
      `local:stream: ${result.dataset.eventLines} lines generated in ${(result.timings.generateMs / 1000).toFixed(1)} s; ` +
      `sent ${r.sent}, retried ${r.retried}, failed ${r.failed}; ${result.delivery.objects} bronze objects in ${(result.timings.streamMs / 1000).toFixed(1)} s; ` +
      `loaded in ${(result.timings.loadMs / 1000).toFixed(1)} s\n`,
    );
    process.stdout.write(await warehouse.answers());
  } finally {
    await warehouse.close();
  }
  return 0;
});
