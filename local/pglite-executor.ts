/**
 * The local engine's SqlExecutor: PGlite, with the adapter applied to every statement,
 * `:name` parameters bound as `$n`, and Redshift's COPY of a manifest emulated by
 * reading the files it names (plain or gzip) and landing their lines in order.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Row, SqlExecutor, SqlParams, SqlValue } from '../pipeline/executor';
import { paramReferences } from '../pipeline/sql-params';
import { adaptStatement } from './adapter';

type Queryable = Pick<PGlite, 'query'> | Transaction;

/** A statement with `:name` parameters rewritten to `$n`, and the values in order. */
export interface PositionalSql {
  readonly sql: string;
  readonly values: SqlValue[];
}

/**
 * Rewrites `:name` to `$1…` outside quotes, quoted identifiers, comments and
 * dollar-quoted bodies, leaving `::casts` alone. A name used twice gets one number.
 * Throws when a referenced name has no value.
 */
export function toPositional(sql: string, params: SqlParams = {}): PositionalSql {
  const numbers = new Map<string, number>();
  const values: SqlValue[] = [];
  let out = '';
  let from = 0;
  for (const ref of paramReferences(sql)) {
    if (!Object.prototype.hasOwnProperty.call(params, ref.name)) {
      throw new Error(`SQL parameter :${ref.name} has no value; pass it in params`);
    }
    let num = numbers.get(ref.name);
    if (num === undefined) {
      values.push(params[ref.name] as SqlValue);
      num = values.length;
      numbers.set(ref.name, num);
    }
    out += `${sql.slice(from, ref.start)}$${num}`;
    from = ref.end;
  }
  return { sql: out + sql.slice(from), values };
}

const LEADING_COMMENTS = /^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/;
const COPY = /^\s*copy\s+streamflix\.stg_raw_line\s*\(\s*raw_line\s*\)\s+from\s+'([^']+)'/i;
/** Redshift's varchar(65535) holds bytes; `truncatecolumns` cuts longer lines. */
const MAX_LINE_BYTES = 65535;

function pathOf(url: string): string {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (isAbsolute(url)) return url;
  throw new Error(`local COPY reads file:// URLs or absolute paths only; got ${url}`);
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`cannot read ${path}: not valid gzip (${(e as Error).message})`);
    }
  }
  return bytes.toString('utf8');
}

function truncateBytes(line: string): string {
  if (line.length * 3 <= MAX_LINE_BYTES || Buffer.byteLength(line, 'utf8') <= MAX_LINE_BYTES) return line;
  const cut = Buffer.from(line, 'utf8').subarray(0, MAX_LINE_BYTES).toString('utf8');
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

/** The lines of the manifest's files, in order, as COPY with ignoreblanklines lands them. */
export function manifestLines(manifestUri: string): string[] {
  const manifestPath = pathOf(manifestUri);
  let entries: { url: string; mandatory?: boolean }[];
  try {
    entries = (JSON.parse(readText(manifestPath)) as { entries: { url: string; mandatory?: boolean }[] }).entries;
  } catch (e) {
    throw new Error(`cannot read manifest ${manifestPath}: ${(e as Error).message}`);
  }
  const lines: string[] = [];
  for (const entry of entries) {
    const text = readText(pathOf(entry.url));
    for (const line of text.split('\n')) if (line !== '') lines.push(truncateBytes(line));
  }
  return lines;
}

const BINARY_COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The lines as a PostgreSQL binary COPY stream of one text column: each line lands byte
 * for byte with no escaping to undo (cheaper for PGlite than the text format). A NUL,
 * which PostgreSQL text cannot hold, becomes '?'.
 */
function binaryCopyStream(lines: readonly string[]): Buffer {
  const parts: Buffer[] = [BINARY_COPY_SIGNATURE, Buffer.alloc(8)]; // flags and extension length: 0
  for (const line of lines) {
    const bytes = Buffer.from(line.includes('\0') ? line.replace(/\0/g, '?') : line, 'utf8');
    const head = Buffer.allocUnsafe(6);
    head.writeInt16BE(1, 0); // one field
    head.writeInt32BE(bytes.length, 2);
    parts.push(head, bytes);
  }
  const trailer = Buffer.allocUnsafe(2);
  trailer.writeInt16BE(-1, 0);
  parts.push(trailer);
  return Buffer.concat(parts);
}

export class PGliteExecutor implements SqlExecutor {
  private readonly adapted = new Map<string, string[]>();

  /**
   * @param trace called with each statement's first words and its duration in ms
   * (`SF_TRACE=1` in the local CLI); default none.
   */
  constructor(
    readonly db: PGlite,
    private readonly trace?: (statement: string, ms: number) => void,
  ) {}

  async query(sql: string, params: SqlParams = {}): Promise<readonly Row[]> {
    return this.run(this.db, sql, params);
  }

  async transaction(statements: readonly string[], params: SqlParams = {}): Promise<void> {
    let committing = 0;
    await this.db.transaction(async (tx) => {
      for (const sql of statements) await this.run(tx, sql, params);
      committing = performance.now();
    });
    // the commit runs the deferred foreign-key checks
    this.trace?.('commit', performance.now() - committing);
  }

  private adapt(sql: string): string[] {
    let out = this.adapted.get(sql);
    if (!out) {
      out = adaptStatement(sql);
      this.adapted.set(sql, out);
    }
    return out;
  }

  private async run(target: Queryable, sql: string, params: SqlParams): Promise<readonly Row[]> {
    const copy = COPY.exec(sql);
    if (copy) {
      const started = performance.now();
      await this.copy(target, copy[1]);
      this.trace?.(`copy (emulated) from ${copy[1]}`.slice(0, 70), performance.now() - started);
      return [];
    }
    let rows: readonly Row[] = [];
    for (const stmt of this.adapt(sql)) {
      const { sql: text, values } = toPositional(stmt, params);
      try {
        const started = this.trace ? performance.now() : 0;
        const result = await target.query<Row>(text, values);
        if (this.trace) this.trace(stmt.replace(LEADING_COMMENTS, '').replace(/\s+/g, ' ').slice(0, 70), performance.now() - started);
        rows = result.rows;
      } catch (e) {
        const err = e as Error;
        throw new Error(`${err.message} (in: ${stmt.replace(/\s+/g, ' ').slice(0, 160)})`, { cause: e });
      }
    }
    return rows;
  }

  private async copy(target: Queryable, manifestUri: string): Promise<void> {
    const lines = manifestLines(manifestUri);
    if (lines.length === 0) return;
    const blob = new Blob([binaryCopyStream(lines)]);
    await target.query(
      `copy streamflix.stg_raw_line (raw_line) from '/dev/blob' with (format binary)`,
      [],
      { blob },
    );
  }
}
