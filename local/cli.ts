/**
 * `npm run --silent local -- [--catalog FILE] [--users FILE] [--events FILE|DIR]... [--export DIR]`
 * (../shared/spec/local-run.md). Results on stdout, progress on stderr; exit 0 also when
 * lines were quarantined, 1 with a one-line reason when a file cannot be read or the
 * engine fails, 2 on a usage error.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertGzipWhereNamed } from './pglite-executor';
import { fileErrorReason } from './file-errors';
import { assertReadable, assertReadableFile, openLocalWarehouse, type FileLoadOutcome, type LocalFile } from './warehouse';
import { renderReports } from './report-text';

export interface CliArgs {
  readonly catalog?: string;
  readonly users?: string;
  readonly events: string[];
  readonly exportDir?: string;
}

export class UsageError extends Error {}

const USAGE_LINE = 'usage: npm run --silent local -- [--catalog FILE] [--users FILE] [--events FILE|DIR]... [--export DIR]';

/** What `--help` prints (local-run.md, in short). */
export const HELP = `${USAGE_LINE}

Loads StreamFlix feeds into a local warehouse (embedded PostgreSQL, the project's Redshift SQL).

  --catalog FILE    catalog items (reference-data.md), loaded first
  --users FILE      user snapshots (reference-data.md), loaded first
  --events FILE|DIR events (events.md); repeat for successive loads, in order; a directory
                    loads the *.ndjson, *.json and *.gz files below it (subdirectories
                    too, such as bronze dt=YYYY-MM-DD/ prefixes) in path order, one load each
  --export DIR      after the last load, write every table and view to DIR/<name>.ndjson
  -h, --help        print this help

With no --events, generates a synthetic dataset (300,000 events, about four weeks),
loads it and prints the answers to the five business questions.
Results go to stdout, progress to stderr. Exit status: 0 (also when lines were quarantined),
1 when a file cannot be read or the engine fails, 2 on a usage error.
`;

/** `--help` asked for: main prints HELP and exits 0. */
export class HelpRequested extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const events: string[] = [];
  let catalog: string | undefined;
  let users: string | undefined;
  let exportDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') throw new HelpRequested();
    if (!['--catalog', '--users', '--events', '--export'].includes(flag)) {
      throw new UsageError(`unknown argument ${flag}; ${USAGE_LINE} (--help for more)`);
    }
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    i += 1;
    // each given once: a second value would silently replace the first
    const once = (given: string | undefined): string => {
      if (given !== undefined) throw new UsageError(`${flag} given twice (${given}, ${value}); pass one file, or run again for the other`);
      return value;
    };
    if (flag === '--catalog') catalog = once(catalog);
    else if (flag === '--users') users = once(users);
    else if (flag === '--events') events.push(value);
    else exportDir = once(exportDir);
  }
  return { catalog, users, events, exportDir };
}

/**
 * A directory expands to the *.ndjson / *.json / *.gz files inside it, subdirectories
 * included, in the order of their paths below it: as the scheduled job lists object keys,
 * so a bronze folder with its `dt=YYYY-MM-DD/` prefixes loads in delivery order. A
 * directory with none loads nothing, as a run with no new object does; `note` says so.
 */
export function expandEvents(paths: readonly string[], note: (message: string) => void = () => undefined): string[] {
  const out: string[] = [];
  for (const path of paths) {
    assertReadable(path);
    if (statSync(path).isDirectory()) {
      const names = readdirSync(path, { recursive: true, encoding: 'utf8' })
        .filter((n) => /\.(ndjson|json|gz)$/i.test(n) && statSync(join(path, n)).isFile())
        .sort();
      if (names.length === 0) note(`note: ${path} holds no *.ndjson, *.json or *.gz file; nothing to load from it`);
      for (const name of names) out.push(join(path, name));
    } else out.push(path);
  }
  return out;
}

/**
 * One row per file: an events file shows its load's etl_batch figures (each events file is
 * its own load's only events file), a reference file its own lines, records applied and
 * quarantined (a feed has no duplicates).
 */
function summary(outcomes: readonly FileLoadOutcome[]): string {
  const lines = ['load\tkind\tlines_read\tloaded\tduplicates\tquarantined\tfile'];
  for (const o of outcomes) {
    if (o.skipped || !o.result || !o.object) lines.push(`-\t${o.kind}\t-\t-\t-\t-\t${o.path} (skipped: already loaded)`);
    else if (o.kind === 'events') {
      const r = o.result;
      lines.push(`${r.batchId}\t${o.kind}\t${r.linesRead}\t${r.eventsLoaded}\t${r.duplicates}\t${r.quarantined}\t${o.path}`);
    } else {
      const { linesRead, quarantined } = o.object;
      lines.push(`${o.result.batchId}\t${o.kind}\t${linesRead}\t${linesRead - quarantined}\t0\t${quarantined}\t${o.path}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The export directory, created (as `mkdir -p`) and found writable before the first load. */
function prepareExportDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new Error(`cannot write to --export ${dir}: ${fileErrorReason(e)}`);
  }
}

export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof HelpRequested) {
      out(HELP);
      return 0;
    }
    err(`error: ${(e as Error).message}\n`);
    return 2;
  }
  let generatedDir: string | undefined;
  try {
    const files: LocalFile[] = [];
    if (args.catalog) files.push({ kind: 'catalog', path: args.catalog });
    if (args.users) files.push({ kind: 'users', path: args.users });
    // before a demo's dataset is generated, and before the first load
    for (const f of files) assertReadableFile(f.path);
    if (args.exportDir) prepareExportDir(args.exportDir);
    const demo = args.events.length === 0;
    if (demo) {
      generatedDir = mkdtempSync(join(tmpdir(), 'streamflix-demo-'));
      err(`generating a synthetic StreamFlix dataset in ${generatedDir} …\n`);
      const { generateDataset } = await import('../tools/generator/index');
      const ds = await generateDataset(generatedDir, {
        seed: 42,
        // ~50 events per user-day: 220 users reach 300k events in about four weeks
        users: 220,
        days: 35,
        targetEvents: 300_000,
        eventsPerFile: 25_000,
      });
      err(`generated ${ds.eventLines} event lines (${ds.badLines} bad, ${ds.duplicateLines} duplicates) in ${ds.eventFiles.length} files\n`);
      if (!args.catalog) files.push({ kind: 'catalog', path: ds.catalogFile });
      if (!args.users) files.push({ kind: 'users', path: ds.usersFile });
      for (const f of ds.eventFiles) files.push({ kind: 'events', path: f });
    } else {
      for (const f of expandEvents(args.events, (m) => err(`${m}\n`))) files.push({ kind: 'events', path: f });
    }
    // every file, those found in directories too, before the first load: one found bad only
    // at its turn stopped the run after earlier loads, with neither summary nor export
    for (const f of files) {
      assertReadableFile(f.path);
      assertGzipWhereNamed(f.path);
    }
    const warehouse = await openLocalWarehouse({ progress: (m) => err(`${m}\n`) });
    try {
      const outcomes = await warehouse.loadFiles(files);
      out(summary(outcomes));
      if (demo) out(renderReports(await warehouse.reportTables()));
      if (args.exportDir) {
        const names = await warehouse.exportTo(args.exportDir);
        err(`exported ${names.length} tables and views to ${args.exportDir}\n`);
      }
    } finally {
      await warehouse.close();
    }
    return 0;
  } catch (e) {
    err(`error: ${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  } finally {
    if (generatedDir) rmSync(generatedDir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && /local[\\/]cli\.ts$/.test(process.argv[1]);
if (isMain) {
  main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  ).then((code) => {
    process.exitCode = code;
  });
}
