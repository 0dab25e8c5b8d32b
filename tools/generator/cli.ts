/**
 * `npm run generate -- --out DIR [--users N] [--days N] [--seed N] ...`
 * Progress goes to stderr; stdout gets one summary line per written feed.
 */
import { parseArgs } from 'node:util';
import { intOption, numberOption, runCli, UsageError } from '../shared/cli-args';
import { DEFAULT_START_DATE, generateDataset, RATE_BELOW } from './index';

const USAGE = `usage: npm run generate -- --out DIR [--users 500] [--days 28] [--seed 1] [--start-date ${DEFAULT_START_DATE}]
       [--events N (at most N lines)] [--events-per-file 50000] [--late-rate 0.02]
       [--duplicate-rate 0.01] [--bad-rate 0.005] [--gzip] [--no-progress]`;

runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      users: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      'start-date': { type: 'string' },
      events: { type: 'string' },
      'events-per-file': { type: 'string' },
      'late-rate': { type: 'string' },
      'duplicate-rate': { type: 'string' },
      'bad-rate': { type: 'string' },
      gzip: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('--out DIR is required (the directory to write catalog.ndjson, users.ndjson and events/ into)');
  const targetEvents = numberOption(values.events, 'events');
  // the generator's own bounds, said as usage errors naming the flag
  const lateRate = numberOption(values['late-rate'], 'late-rate', RATE_BELOW.lateRate);
  const duplicateRate = numberOption(values['duplicate-rate'], 'duplicate-rate', RATE_BELOW.duplicateRate);
  const badLineRate = numberOption(values['bad-rate'], 'bad-rate', RATE_BELOW.badLineRate);
  const started = Date.now();
  const result = await generateDataset(values.out, {
    seed: intOption(values.seed, 'seed', 1),
    users: intOption(values.users, 'users', 500, 1),
    days: intOption(values.days, 'days', 28, 1),
    ...(values['start-date'] === undefined ? {} : { startDate: values['start-date'] }),
    ...(targetEvents === undefined ? {} : { targetEvents }),
    eventsPerFile: intOption(values['events-per-file'], 'events-per-file', 50_000, 1),
    ...(lateRate === undefined ? {} : { lateRate }),
    ...(duplicateRate === undefined ? {} : { duplicateRate }),
    ...(badLineRate === undefined ? {} : { badLineRate }),
    gzip: values.gzip ?? false,
    progress: !(values['no-progress'] ?? false),
  });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`catalog ${result.catalogFile}\nusers   ${result.usersFile}\n`);
  process.stdout.write(`events  ${result.eventFiles.length} files, ${result.eventLines} lines (${result.badLines} bad, ${result.duplicateLines} duplicates) in ${seconds.toFixed(1)} s\n`);
  return 0;
});
