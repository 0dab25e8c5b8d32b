/**
 * `npm run --silent local -- [--catalog FILE] [--users FILE] [--events FILE|DIR]... [--export DIR]`
 * (../shared/spec/local-run.md). Results on stdout, progress on stderr; exit 0 also when
 * lines were quarantined, 1 with a one-line reason when a file cannot be read or the
 * engine fails, 2 on a usage error.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertReadable, openLocalWarehouse, type FileLoadOutcome, type LocalFile } from './warehouse';
import { renderReports } from './report-text';

export interface CliArgs {
  readonly catalog?: string;
  readonly users?: string;
  readonly events: string[];
  readonly exportDir?: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const events: string[] = [];
  let catalog: string | undefined;
  let users: string | undefined;
  let exportDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--catalog', '--users', '--events', '--export'].includes(flag)) {
      throw new UsageError(`unknown argument ${flag}; usage: local [--catalog FILE] [--users FILE] [--events FILE|DIR]... [--export DIR]`);
    }
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    i += 1;
    if (flag === '--catalog') catalog = value;
    else if (flag === '--users') users = value;
    else if (flag === '--events') events.push(value);
    else exportDir = value;
  }
  return { catalog, users, events, exportDir };
}

/** A directory expands to its *.ndjson / *.json / *.gz files in name order. */
export function expandEvents(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    assertReadable(path);
    if (statSync(path).isDirectory()) {
      const names = readdirSync(path)
        .filter((n) => /\.(ndjson|json|gz)$/i.test(n))
        .sort();
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

export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`error: ${(e as Error).message}\n`);
    return 2;
  }
  let generatedDir: string | undefined;
  try {
    const files: LocalFile[] = [];
    if (args.catalog) files.push({ kind: 'catalog', path: args.catalog });
    if (args.users) files.push({ kind: 'users', path: args.users });
    for (const f of files) assertReadable(f.path);
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
      for (const f of expandEvents(args.events)) files.push({ kind: 'events', path: f });
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
