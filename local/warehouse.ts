/**
 * The local warehouse: PGlite with the shims and every migration applied, loading
 * files through the same pipeline/load.ts path the Lambda uses.
 */
import { randomUUID } from 'node:crypto';
import { accessSync, constants, createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Row } from '../pipeline/executor';
import { CommittedLoadReadError, DEFAULT_SQL_DIR, manifestFor, maxObjectsPerLoad, pendingObjects, runLoad, type BronzeObject, type FeedKind, type LoadedObject, type LoadResult } from '../pipeline/load';
import { isNumberedKind, writeNumberedCopy } from '../pipeline/numbered-copy';
import { applyMigrations } from '../pipeline/migrations';
import { shimStatements } from './adapter';
import { fileErrorReason } from './file-errors';
import { exportRow, UTC_PARSERS, writeRelationNdjson } from './export';
import { isGzipFile, PGliteExecutor, TransactionRolledBack } from './pglite-executor';

/**
 * Engine upkeep after each load. PGlite has no autovacuum: the staging tables are
 * scratch space (every load starts by emptying them), so once an event load has committed
 * they are truncated rather than vacuumed, and the planner statistics are refreshed on the
 * first event loads (staging on the first only, analyzed while it still holds the load's
 * rows) and then every eighth (ANALYZE samples a fixed number of rows, so its cost does not
 * follow the history). Redshift's automatic vacuum and analyze play this role there. Reference
 * loads only get their new block ranges summarized: a table analyzed while still empty
 * would mislead the planner.
 */
const STAGING_TABLES = ['stg_raw_line', 'stg_line', 'stg_event', 'stg_session', 'stg_user_version'].map((t) => `streamflix.${t}`);
const STAGING = STAGING_TABLES.join(', ');
const ANALYZED =
  'streamflix.evt_event, streamflix.evt_user_snapshot, streamflix.fact_viewing_session, streamflix.fact_content_rating, ' +
  'streamflix.dim_user, streamflix.dim_content, streamflix.dim_device, streamflix.bridge_content_genre, streamflix.etl_batch, streamflix.etl_loaded_object';

function upkeepStatements(withEvents: boolean, eventLoads: number): string[] {
  if (!withEvents) return [SUMMARIZE_BLOCK_RANGES];
  // Staging holds one load's rows each time, alike from load to load (a truncated table's
  // row count is re-estimated from its size; its column statistics stay): the first load's
  // statistics describe the next ones. The other tables grow fastest, relatively, at first.
  const staging = eventLoads === 1 || eventLoads % 8 === 0;
  const growing = eventLoads <= 3 || eventLoads % 8 === 0;
  return [
    ...(staging ? [`analyze ${STAGING}`] : []),
    ...(growing ? [`analyze ${ANALYZED}`] : []),
    `truncate ${STAGING}`,
    SUMMARIZE_BLOCK_RANGES,
  ];
}

/**
 * The sort keys' BRIN indexes (the adapter's stand-in for zone maps) describe a block range
 * only once it is summarized, and PostgreSQL summarizes new ranges in (auto)vacuum, which
 * PGlite does not run: until then every new range matches every search, and a 72-hour range
 * on evt_event read the whole table. After each load the new ranges are summarized (only
 * those: a few milliseconds), as Redshift keeps its zone maps current on every write.
 */
const SUMMARIZE_BLOCK_RANGES =
  'select brin_summarize_new_values(i.oid) from pg_class as i join pg_am as a on a.oid = i.relam ' +
  "where a.amname = 'brin' and i.relnamespace = 'streamflix'::regnamespace";

/**
 * Local physical settings, not logic: the staging tables are unlogged (scratch space
 * rebuilt by every load, like Redshift's BACKUP NO tables, so their writes skip the
 * write-ahead log), sorts and hashes of a load's window functions get room in memory, and
 * ANALYZE samples 3,000 rows per table (statistics target 10): enough to choose join
 * strategies, a tenth of the default's cost.
 * Until the first statistics exist (the upkeep of the first event load), nested loops and
 * merge joins are off: with no statistics PostgreSQL takes every intermediate result for a
 * few rows and rescans the 72-hour window and the dimensions once per session (seconds per
 * load), or sorts all landed lines to merge-join the few quarantined ones (~65 ms per 50k);
 * with statistics its nested loops over indexes are the better plans, so both come back.
 * A warehouse reopened on its files has statistics from the start and keeps both.
 */
const OFF_UNTIL_STATISTICS = ['enable_nestloop', 'enable_mergejoin'];
const SETUP = [
  ...STAGING_TABLES.map((t) => `alter table ${t} set unlogged`),
  `set work_mem = '64MB'`,
  'set default_statistics_target = 10',
];
const BEFORE_FIRST_STATISTICS = OFF_UNTIL_STATISTICS.map((setting) => `set ${setting} = off`).join('; ');
const AFTER_FIRST_STATISTICS = OFF_UNTIL_STATISTICS.map((setting) => `reset ${setting}`).join('; ');
/** A warehouse reopened on its files (`dataDir`, `loadDataDir`) has statistics from its earlier loads. */
const HAS_STATISTICS = "select exists (select 1 from pg_stats where schemaname = 'streamflix' and tablename = 'evt_event') as has";

export interface LocalWarehouseOptions {
  /**
   * A migrated database image from `dumpMigrated()`, to start without migrating.
   * @default a new in-memory database, shims and migrations applied
   */
  readonly loadDataDir?: Blob;
  /**
   * A directory for the database files (PGlite's Node filesystem), to keep large
   * histories out of memory.
   * @default in memory
   */
  readonly dataDir?: string;
  /**
   * The `sql/` directory.
   * @default the repository's `sql/`
   */
  readonly sqlDir?: string;
  /**
   * Called with one line of progress text per load (the CLI writes it to stderr).
   * @default no progress output
   */
  readonly progress?: (message: string) => void;
  /**
   * Called with each statement's start and duration in ms, for profiling.
   * @default none
   */
  readonly trace?: (statement: string, ms: number) => void;
}

export interface LocalFile {
  readonly kind: FeedKind;
  readonly path: string;
}

export interface FileLoadOutcome {
  readonly kind: FeedKind;
  /** The absolute path, the object key of the load. */
  readonly path: string;
  /** True when this path was loaded before: nothing was done. */
  readonly skipped: boolean;
  /** The load's etl_batch figures (its event lines), when it ran. */
  readonly result?: LoadResult;
  /** This file's own line counts in that load, when it ran. */
  readonly object?: LoadedObject;
}

/**
 * A local file as its load's COPY reads it, through a one-entry manifest written in `dir`: an
 * events file itself, a reference file (catalog, users) through its numbered copy, written
 * beside the manifest, so that its lines keep their order (pipeline/numbered-copy.ts), as the
 * Lambda lands it. `objectNo` is its position in the load. Returns the object and the files
 * written, to remove after the load.
 */
export async function localObject(
  file: { readonly kind: FeedKind; readonly key: string },
  objectNo: number,
  dir: string,
): Promise<{ object: BronzeObject; written: string[] }> {
  const manifestUri = join(dir, `${randomUUID()}.manifest`);
  if (!isNumberedKind(file.kind)) {
    writeFileSync(manifestUri, manifestFor([pathToFileURL(file.key).href]));
    return { object: { kind: file.kind, key: file.key, manifestUri }, written: [manifestUri] };
  }
  const copy = join(dir, `${randomUUID()}.csv.gz`);
  try {
    // streamed to its file, as the Lambda streams it to S3 (a partial file goes with the directory)
    await writeNumberedCopy(createReadStream(file.key), { objectNo, gunzip: isGzipFile(file.key) }, (gzipped) =>
      pipeline(gzipped, createWriteStream(copy)),
    );
  } catch (e) {
    // as the local COPY words it (a broken gzip stream is zlib's Z_… error)
    const reason = /^Z_/.test(String((e as { code?: unknown }).code)) ? `not valid gzip (${(e as Error).message})` : fileErrorReason(e);
    throw new Error(`cannot read ${file.key}: ${reason}`, { cause: e });
  }
  writeFileSync(manifestUri, manifestFor([pathToFileURL(copy).href]));
  return { object: { kind: file.kind, key: file.key, manifestUri, numbered: true }, written: [copy, manifestUri] };
}

/**
 * The loads of a list of files: reference files (catalog, users) join the load of the next
 * events file, as in the spec's worked example (catalog, users and events as one load), and
 * each events file ends its load, so successive event files stay successive loads, in order.
 * A load holds at most `maxObjects` files.
 */
export function groupLoads<T extends { readonly kind: FeedKind }>(files: readonly T[], maxObjects: number): T[][] {
  if (!Number.isInteger(maxObjects) || maxObjects < 1) throw new Error(`maxObjects must be a positive integer; got ${maxObjects}`);
  const loads: T[][] = [];
  let current: T[] = [];
  for (const file of files) {
    current.push(file);
    if (file.kind === 'events' || current.length === maxObjects) {
      loads.push(current);
      current = [];
    }
  }
  if (current.length > 0) loads.push(current);
  return loads;
}

/** One progress line: the load's event lines, then each reference file's lines. */
function describeLoad(result: LoadResult): string {
  const events = result.objects.filter((o) => o.kind === 'events');
  const parts = events.length === 0 ? [] : [
    `events ${events.map((o) => o.key).join(', ')}: ${result.linesRead} lines, ${result.eventsLoaded} loaded, ` +
      `${result.duplicates} duplicates, ${result.quarantined} quarantined`,
  ];
  for (const o of result.objects.filter((x) => x.kind !== 'events')) {
    parts.push(`${o.kind} ${o.key}: ${o.linesRead} lines, ${o.linesRead - o.quarantined} applied, ${o.quarantined} quarantined`);
  }
  return parts.join('; ');
}

/** The report views, in the order of the five questions. */
export const REPORT_VIEWS = [
  'rpt_watch_time_by_user',
  'rpt_watch_time_by_genre',
  'rpt_watch_time_by_device_type',
  'rpt_peak_viewing_hours',
  'rpt_content_completion',
  'rpt_session_duration',
  'rpt_rating_vs_popularity',
  'rpt_rating_popularity_correlation',
] as const;

export interface LocalWarehouse {
  readonly db: PGlite;
  readonly exec: PGliteExecutor;
  /** Loads each file as one load, in order; a path loaded before is skipped. */
  loadFiles(files: readonly LocalFile[]): Promise<FileLoadOutcome[]>;
  /** Writes every table and view of the schema to `dir/<name>.ndjson`; returns the names. */
  exportTo(dir: string): Promise<string[]>;
  /** The rows of each report view, JSON-ready (numbers as numbers). */
  reportTables(): Promise<Record<string, Record<string, unknown>[]>>;
  /** A migrated database image, to open more warehouses quickly (`loadDataDir`). */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/** Checks that a file or directory can be read, with a one-line reason when it cannot. */
export function assertReadable(path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${fileErrorReason(e)}`);
  }
}

/** Checks that a path is a file that can be read (a directory given as a feed file is not). */
export function assertReadableFile(path: string): void {
  assertReadable(path);
  if (statSync(path).isDirectory()) throw new Error(`cannot read ${path}: ${fileErrorReason({ code: 'EISDIR' })}`);
}

export async function openLocalWarehouse(options: LocalWarehouseOptions = {}): Promise<LocalWarehouse> {
  const sqlDir = options.sqlDir ?? DEFAULT_SQL_DIR;
  const db = new PGlite({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, parsers: UTC_PARSERS });
  await db.waitReady;
  const exec = new PGliteExecutor(db, options.trace);
  for (const stmt of shimStatements()) await db.exec(stmt);
  await applyMigrations(exec, sqlDir);
  for (const stmt of SETUP) await db.exec(stmt);
  if (!(await db.query<{ has: boolean }>(HAS_STATISTICS)).rows[0].has) await db.exec(BEFORE_FIRST_STATISTICS);
  const manifestDir = mkdtempSync(join(tmpdir(), 'streamflix-manifest-'));
  const progress = options.progress ?? (() => undefined);
  let eventLoads = 0;

  const selectAll = async (name: string): Promise<Record<string, unknown>[]> => {
    const result = await db.query<Row>(`select * from streamflix.${name}`);
    const types = new Map(result.fields.map((f) => [f.name, f.dataTypeID]));
    return result.rows.map((r) => exportRow(r, types));
  };

  return {
    db,
    exec,
    async loadFiles(files) {
      const outcomes: FileLoadOutcome[] = [];
      for (const group of groupLoads(files, maxObjectsPerLoad(sqlDir))) {
        const entries = group.map((file) => {
          const path = resolve(file.path);
          assertReadable(path);
          return { kind: file.kind, key: path, manifestUri: '' };
        });
        const pending = new Set((await pendingObjects(exec, entries)).map((o) => o.key));
        const fresh = entries.filter((o) => pending.delete(o.key));
        const skip = (o: (typeof entries)[number]): FileLoadOutcome => {
          progress(`skipped ${o.key}: already loaded`);
          return { kind: o.kind, path: o.key, skipped: true };
        };
        if (fresh.length === 0) {
          outcomes.push(...entries.map(skip));
          continue;
        }
        const started = Date.now();
        const written: string[] = [];
        const objects: BronzeObject[] = [];
        let result: LoadResult;
        try {
          for (const [i, o] of fresh.entries()) {
            const landed = await localObject(o, i + 1, manifestDir);
            objects.push(landed.object);
            written.push(...landed.written);
          }
          result = await runLoad(exec, objects, { copyCredentials: '', loadToken: randomUUID(), sqlDir });
        } catch (e) {
          // a load is one transaction: when it fails, nothing of it is stored and the loads before it
          // are; a read after its commit that fails leaves it stored (CommittedLoadReadError)
          const what =
            e instanceof TransactionRolledBack ? 'rolled back (earlier loads are kept)'
            : e instanceof CommittedLoadReadError ? 'committed, and reading it back failed'
            : 'failed';
          const reason = e instanceof CommittedLoadReadError ? (e.cause as Error).message : (e as Error).message;
          throw new Error(`load of ${fresh.map((o) => o.key).join(', ')} ${what}: ${reason}`, { cause: e });
        } finally {
          for (const path of written) rmSync(path, { force: true });
        }
        // engine upkeep, not logic: see upkeepStatements
        const withEvents = objects.some((o) => o.kind === 'events');
        if (withEvents) eventLoads += 1;
        for (const stmt of upkeepStatements(withEvents, eventLoads)) await db.exec(stmt);
        if (withEvents && eventLoads === 1) await db.exec(AFTER_FIRST_STATISTICS);
        progress(`batch ${result.batchId} ${describeLoad(result)} (${Date.now() - started} ms)`);
        for (const o of entries) {
          const object = fresh.includes(o) ? result.objects.find((x) => x.key === o.key) : undefined;
          outcomes.push(object ? { kind: o.kind, path: o.key, skipped: false, result, object } : skip(o));
        }
      }
      return outcomes;
    },
    async exportTo(dir) {
      mkdirSync(dir, { recursive: true });
      const names = (
        await db.query<{ name: string }>(
          `select table_name as name from information_schema.tables where table_schema = 'streamflix' order by table_name`,
        )
      ).rows.map((r) => r.name);
      await db.transaction(async (tx) => {
        // one snapshot for every file (at read committed each cursor would take its own)
        await tx.query('set transaction isolation level repeatable read');
        for (const name of names) await writeRelationNdjson(tx, `streamflix.${name}`, join(dir, `${name}.ndjson`));
      });
      return names;
    },
    async reportTables() {
      const out: Record<string, Record<string, unknown>[]> = {};
      for (const view of REPORT_VIEWS) out[view] = await selectAll(view);
      return out;
    },
    async dump() {
      return (await db.dumpDataDir('none')) as Blob;
    },
    async close() {
      rmSync(manifestDir, { recursive: true, force: true });
      await db.close();
    },
  };
}
