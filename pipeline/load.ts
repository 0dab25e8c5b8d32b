/**
 * One load: land the raw lines of some bronze objects and run the load steps of
 * `sql/load/` over them, all in one transaction. Engine-neutral: the Lambda runs it
 * with the Data API executor, the local run with the PGlite executor.
 */
import { fileURLToPath } from 'node:url';
import type { SqlExecutor, SqlParams } from './executor';
import { readLoadSteps } from './sql-files';

export type FeedKind = 'catalog' | 'users' | 'events';

export const FEED_KINDS: readonly FeedKind[] = ['catalog', 'users', 'events'];

/** One object of the bronze layer (or one local file). */
export interface BronzeObject {
  readonly kind: FeedKind;
  /** Object key (or local path); recorded as `source` and in `etl_loaded_object`. */
  readonly key: string;
  /** Where COPY reads the one-entry manifest naming this object (`s3://…`, `file:///…` or an absolute path). */
  readonly manifestUri: string;
  /**
   * The manifest names the object's numbered copy (`writeNumberedCopy`), whose lines keep their
   * place in the object as their line_no: reference feeds, where a later line wins.
   * @default false: the manifest names the object itself, its lines numbered as COPY lands them
   */
  readonly numbered?: boolean;
}

export interface LoadOptions {
  /**
   * The COPY credentials clause, e.g. `iam_role 'arn:aws:iam::123456789012:role/x'`
   * or `iam_role default` on Redshift; `''` locally. Validated against a strict pattern.
   */
  readonly copyCredentials: string;
  /** A UUID naming this load; stored on its `etl_batch` row so the caller can read it back. */
  readonly loadToken: string;
  /**
   * The `sql/` directory holding `load/NN_*.sql`.
   * @default the repository's `sql/` beside `pipeline/` (the Lambda passes its bundled copy)
   */
  readonly sqlDir?: string;
  /**
   * Runs the reads after the load's transaction has committed (its `etl_batch` row and
   * objects). The Lambda gives them a budget of their own, within the invocation's reserve:
   * on the load's deadline a load that committed just before it read back too late and
   * was taken for one still running, and its counts were never published.
   * @default the executor of the load
   */
  readonly readBack?: SqlExecutor;
}

/** The load's transaction committed, and reading its result back failed: its objects are loaded. */
export class CommittedLoadReadError extends Error {
  constructor(
    readonly loadToken: string,
    cause: unknown,
  ) {
    super(`load ${loadToken} committed, but reading its etl_batch row back failed: ${(cause as Error).message}`, { cause });
    this.name = 'CommittedLoadReadError';
  }
}

export interface LoadPlan {
  readonly statements: string[];
  readonly params: SqlParams;
}

/** One object a load landed, as `etl_loaded_object` records it. */
export interface LoadedObject {
  readonly key: string;
  readonly kind: FeedKind;
  /** Its non-blank lines. */
  readonly linesRead: number;
  /** Those of its lines quarantined. */
  readonly quarantined: number;
}

/**
 * A load's figures. `linesRead`, `eventsLoaded`, `duplicates` and `quarantined` are
 * `etl_batch`'s and cover the load's event lines (linesRead = eventsLoaded + duplicates +
 * quarantined); reference-feed lines are reconciled per object in `objects`.
 */
export interface LoadResult {
  readonly batchId: number;
  /** The objects landed by this load (those not loaded before) with their line counts, in key order. */
  readonly objects: LoadedObject[];
  readonly linesRead: number;
  readonly eventsLoaded: number;
  readonly duplicates: number;
  readonly quarantined: number;
  /** The watermark after the load, `YYYY-MM-DDTHH:MM:SS.sssZ`, or null before any valid event. */
  readonly watermark: string | null;
}

/** BatchExecuteStatement accepts at most 40 statements. */
export const MAX_STATEMENTS = 40;
/** The Data API accepts at most 100 KB of SQL per statement. */
export const MAX_STATEMENT_BYTES = 100 * 1024;

/**
 * The repository's `sql/` beside `pipeline/`; '' when this module runs from a bundle without
 * a file URL (the Lambda then always passes `sqlDir`).
 */
export const DEFAULT_SQL_DIR = ((): string => {
  try {
    return fileURLToPath(new URL('../sql/', import.meta.url));
  } catch {
    return '';
  }
})();

function sqlDirOf(sqlDir: string | undefined): string {
  const dir = sqlDir ?? DEFAULT_SQL_DIR;
  if (dir === '') throw new Error('no sql directory: pass options.sqlDir (the bundled copy of sql/)');
  return dir;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CREDENTIALS = /^(iam_role (default|'arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}'))?$/;
const MANIFEST_URI = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.*()\/=+:-]{1,1000}|file:\/\/\/[^'\\\n\r]{1,4000}|\/[^'\\\n\r]{1,4000})$/;

/** The text of a one-entry (or more) COPY manifest: `{"entries":[{"url":…,"mandatory":true}]}`. */
export function manifestFor(objectUrls: readonly string[]): string {
  return JSON.stringify({ entries: objectUrls.map((url) => ({ url, mandatory: true })) });
}

/** The COPY of one object's manifest into `stg_raw_line`; the only SQL text built at run time. */
export function copyStatement(object: BronzeObject, copyCredentials: string): string {
  if (!MANIFEST_URI.test(object.manifestUri)) {
    throw new Error(
      `manifestUri ${JSON.stringify(object.manifestUri)} is not an s3://bucket/key, file:/// or absolute path without quotes or backslashes; write the manifest under a plain key`,
    );
  }
  if (!CREDENTIALS.test(copyCredentials)) {
    throw new Error(
      `copyCredentials must be '' or iam_role default or iam_role 'arn:aws:iam::<12 digits>:role/<name>'; got ${JSON.stringify(copyCredentials)}`,
    );
  }
  const creds = copyCredentials === '' ? '' : ` ${copyCredentials}`;
  if (object.numbered) {
    // the numbered copy (always gzip): CSV records of line_no and the line quoted, nothing in
    // a line to escape; EXPLICIT_IDS stores the numbers in the IDENTITY column; NUL as the
    // null marker as for the lines of events (W2): a NUL byte must not fail the COPY
    return (
      `copy streamflix.stg_raw_line (line_no, raw_line) from '${object.manifestUri}'${creds} manifest gzip csv explicit_ids` +
      ` null as '\\000' acceptinvchars truncatecolumns maxerror ${COPY_MAX_ERRORS} compupdate off statupdate off`
    );
  }
  const gzip = /\.gz$/i.test(object.key) ? ' gzip' : '';
  // Text format with a delimiter JSON never holds unescaped (0x1f), no ESCAPE (backslashes stay
  // literal), NULL AS NUL so no line reads as null. A line COPY still rejects (one holding a raw
  // 0x1f) does not abort the load: rejectedLinesStatement lands it from STL_LOAD_ERRORS.
  return (
    `copy streamflix.stg_raw_line (raw_line) from '${object.manifestUri}'${creds} manifest${gzip}` +
    ` delimiter '\\037' null as '\\000' acceptinvchars truncatecolumns ignoreblanklines maxerror ${COPY_MAX_ERRORS}` +
    ' compupdate off statupdate off'
  );
}

/** Redshift's ceiling for MAXERROR: past it the COPY, and so the load, fails loudly. */
export const COPY_MAX_ERRORS = 100000;

/**
 * The lines the COPY just before it rejected, landed from STL_LOAD_ERRORS (its first 1,024
 * bytes: all Redshift keeps) so that they are stamped, counted and quarantined like every
 * other line instead of vanishing. Locally the emulated COPY rejects nothing and the shim
 * table is empty.
 */
export function rejectedLinesStatement(numbered = false): string {
  if (!numbered) {
    return (
      'insert into streamflix.stg_raw_line (raw_line)' +
      ' select rtrim(e.raw_line) from stl_load_errors as e where e.query = pg_last_copy_id()'
    );
  }
  // A numbered copy's rejected record is `<line_no>,"<line, quotes doubled>"` (its end cut
  // when over 1,024 bytes): the line is taken back out of it, by positions, not
  // REGEXP_REPLACE (which replaces every match on Redshift and the first on PostgreSQL).
  // Its number is lost: an IDENTITY column takes no value in an INSERT.
  return (
    'insert into streamflix.stg_raw_line (raw_line)' +
    ` select replace(substring(r.t, strpos(r.t, ',"') + 2, length(r.t) - strpos(r.t, ',"') - case when right(r.t, 1) = '"' then 2 else 1 end), '""', '"')` +
    ' from (select rtrim(e.raw_line) as t from stl_load_errors as e where e.query = pg_last_copy_id()) as r'
  );
}

/** COPY, the lines it rejected, and the stamp. */
export const STATEMENTS_PER_OBJECT = 3;

/**
 * Lines just landed by COPY get their object key, feed kind and the object's position in the
 * load (the parse step parses them). The position orders a load's objects: Redshift's
 * IDENTITY values (`line_no`) are not in the order the objects were copied.
 */
export function stampStatement(n: number): string {
  return (
    `update streamflix.stg_raw_line set source = :source_${n}, kind = :kind_${n}, object_no = cast(:object_no_${n} as integer)` +
    ' where source is null'
  );
}

/** Records the load's objects (those not loaded before) in `etl_loaded_object`. */
export function registerStatement(count: number): string {
  const rows = Array.from(
    { length: count },
    (_, i) => `select cast(:source_${i + 1} as varchar(1024)) as object_key, cast(:kind_${i + 1} as varchar(16)) as kind`,
  ).join(' union all ');
  return [
    'insert into streamflix.etl_loaded_object (object_key, kind, batch_id, loaded_at, lines_read, quarantined)',
    'select o.object_key, o.kind, b.batch_id, getdate(),',
    '  (select count(*) from streamflix.stg_line as l where l.source = o.object_key),',
    '  (select count(*) from streamflix.stg_line as l where l.source = o.object_key and l.reason is not null)',
    `from (${rows}) as o`,
    'cross join streamflix.etl_batch as b',
    'where b.load_token = :load_token',
    '  and not exists (select 1 from streamflix.etl_loaded_object as x where x.object_key = o.object_key)',
  ].join('\n');
}

/** The comma-free label of a load on `etl_batch.source`: the key, or the first key and a count. */
export function batchSource(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  const first = keys[0].replace(/,/g, '_');
  return keys.length === 1 ? first : `${first} (+${keys.length - 1} more)`;
}

/**
 * The statements and parameters of one load, to run with `exec.transaction`. Objects
 * listed twice are landed once. Throws when the plan would exceed the Data API's limits
 * (40 statements, 100 KB each): lower maxObjectsPerRun.
 */
export function planLoad(objects: readonly BronzeObject[], options: LoadOptions): LoadPlan {
  if (!UUID.test(options.loadToken)) throw new Error(`loadToken must be a UUID (crypto.randomUUID()); got ${JSON.stringify(options.loadToken)}`);
  const unique = dedupe(objects);
  if (unique.length === 0) throw new Error('planLoad needs at least one object; call pendingObjects first and skip the load when it returns none');
  const params: Record<string, string> = { load_token: options.loadToken, batch_source: batchSource(unique.map((o) => o.key)) };
  const statements: string[] = ['delete from streamflix.stg_raw_line'];
  unique.forEach((o, i) => {
    if (!(FEED_KINDS as readonly string[]).includes(o.kind)) throw new Error(`object ${o.key}: kind must be one of ${FEED_KINDS.join(', ')}`);
    if (o.key.length === 0 || o.key.length > 1024) throw new Error(`object key must be 1-1024 characters; got ${o.key.length}`);
    statements.push(copyStatement(o, options.copyCredentials), rejectedLinesStatement(o.numbered), stampStatement(i + 1));
    params[`source_${i + 1}`] = o.key;
    params[`kind_${i + 1}`] = o.kind;
    params[`object_no_${i + 1}`] = String(i + 1);
  });
  for (const step of readLoadSteps(sqlDirOf(options.sqlDir))) statements.push(...step.statements);
  statements.push(registerStatement(unique.length));
  if (statements.length > MAX_STATEMENTS) {
    throw new Error(
      `a load of ${unique.length} objects needs ${statements.length} statements, over the Data API's ${MAX_STATEMENTS}; lower maxObjectsPerRun to at most ${maxObjectsPerLoad(options.sqlDir)}`,
    );
  }
  for (const s of statements) {
    if (Buffer.byteLength(s, 'utf8') > MAX_STATEMENT_BYTES) {
      throw new Error(`a load statement is over ${MAX_STATEMENT_BYTES} bytes (${s.slice(0, 60)}…); lower maxObjectsPerRun`);
    }
  }
  return { statements, params };
}

/** How many objects one load can take within the 40-statement limit. */
export function maxObjectsPerLoad(sqlDir?: string): number {
  const fixed = 2 + readLoadSteps(sqlDirOf(sqlDir)).reduce((n, s) => n + s.statements.length, 0);
  return Math.floor((MAX_STATEMENTS - fixed) / STATEMENTS_PER_OBJECT);
}

function dedupe(objects: readonly BronzeObject[]): BronzeObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => (seen.has(o.key) ? false : (seen.add(o.key), true)));
}

/** The objects not loaded yet (by key), without repeats, in the given order. */
export async function pendingObjects(exec: SqlExecutor, objects: readonly BronzeObject[]): Promise<BronzeObject[]> {
  const unique = dedupe(objects);
  if (unique.length === 0) return [];
  const params: Record<string, string> = {};
  const names = unique.map((o, i) => {
    params[`key_${i + 1}`] = o.key;
    return `:key_${i + 1}`;
  });
  const rows = await exec.query(`select object_key from streamflix.etl_loaded_object where object_key in (${names.join(', ')})`, params);
  const loaded = new Set(rows.map((r) => String(r.object_key)));
  return unique.filter((o) => !loaded.has(o.key));
}

/**
 * Plans and runs one load in one transaction, then reads its `etl_batch` row back. A failure
 * after the commit is a CommittedLoadReadError, so that no caller takes it for the load's.
 */
export async function runLoad(exec: SqlExecutor, objects: readonly BronzeObject[], options: LoadOptions): Promise<LoadResult> {
  const plan = planLoad(objects, options);
  await exec.transaction(plan.statements, plan.params);
  try {
    return await readLoadBack(options.readBack ?? exec, options.loadToken);
  } catch (error) {
    throw new CommittedLoadReadError(options.loadToken, error);
  }
}

/**
 * SQL for a timestamp column as `YYYY-MM-DDTHH:MM:SS.sssZ` (null stays null). The T and Z
 * are concatenated: Redshift documents no quoted text inside a format string.
 */
export function isoMillis(column: string): string {
  return `to_char(${column}, 'YYYY-MM-DD') || 'T' || to_char(${column}, 'HH24:MI:SS.MS') || 'Z'`;
}

async function readLoadBack(exec: SqlExecutor, loadToken: string): Promise<LoadResult> {
  const rows = await exec.query(
    `select b.batch_id, b.lines_read, b.events_loaded, b.duplicates, b.quarantined,
            ${isoMillis('b.watermark_ts')} as watermark
       from streamflix.etl_batch as b where b.load_token = :load_token`,
    { load_token: loadToken },
  );
  const row = rows[0];
  if (!row) throw new Error(`no etl_batch row has load token ${loadToken}`);
  const landed = await exec.query(
    'select object_key, kind, lines_read, quarantined from streamflix.etl_loaded_object where batch_id = :batch_id order by object_key',
    { batch_id: Number(row.batch_id) },
  );
  return {
    batchId: Number(row.batch_id),
    objects: landed.map((r) => ({
      key: String(r.object_key),
      kind: String(r.kind) as FeedKind,
      linesRead: Number(r.lines_read),
      quarantined: Number(r.quarantined),
    })),
    linesRead: Number(row.lines_read),
    eventsLoaded: Number(row.events_loaded),
    duplicates: Number(row.duplicates),
    quarantined: Number(row.quarantined),
    watermark: row.watermark == null ? null : String(row.watermark),
  };
}
