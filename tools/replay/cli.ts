/**
 * `npm run replay -- --stream NAME FILE... [--rate N] [--region R] [--profile P] [--endpoint URL]`
 * Progress on stderr; the summary on stdout; exit status 1 when records failed.
 */
import { parseArgs } from 'node:util';
import { numberOption, runCli, UsageError } from '../shared/cli-args';
import { expandInputs } from '../shared/input-files';
import { createKinesisClient, replayFiles } from './index';

const USAGE = 'usage: npm run replay -- --stream NAME FILE_OR_DIR... [--rate RECORDS_PER_SECOND] [--region R] [--profile P] [--endpoint URL] [--no-progress]';

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stream: { type: 'string' },
      rate: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      endpoint: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.stream === undefined) throw new UsageError('--stream NAME is required (the Kinesis stream to put records on)');
  if (positionals.length === 0) throw new UsageError('give at least one NDJSON file (plain or .gz) to replay');
  const rate = numberOption(values.rate, 'rate');
  const files = await expandInputs(positionals);
  const client = await createKinesisClient({
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
  });
  try {
    await client.config.region();
  } catch {
    throw new UsageError('no AWS region: pass --region, or set AWS_REGION, or use a profile with a region');
  }
  const summary = await replayFiles({
    client,
    streamName: values.stream,
    files,
    ...(rate === undefined ? {} : { ratePerSecond: rate }),
    progress: !(values['no-progress'] ?? false),
  });
  const perSecond = summary.seconds > 0 ? Math.round(summary.sent / summary.seconds) : summary.sent;
  process.stdout.write(
    `sent ${summary.sent}, retried ${summary.retried}, failed ${summary.failed}` +
    `, skipped ${summary.oversize} over 1 MiB, ${summary.blank} blank lines` +
    ` (${summary.lines} lines, ${summary.requests} requests, ${summary.seconds.toFixed(1)} s, ${perSecond} records/s)\n`,
  );
  client.destroy();
  return summary.failed > 0 ? 1 : 0;
});
