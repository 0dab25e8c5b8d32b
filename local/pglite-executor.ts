/**
 * The local engine's SqlExecutor: PGlite, with the adapter applied to every statement,
 * `:name` parameters bound as `$n`, and Redshift's COPY of a manifest emulated by
 * reading the files it names (plain or gzip) and landing their lines in order.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Row, SqlExecutor, SqlParams, SqlValue } from '../pipeline/executor';
import { keptLength, MAX_LINE_BYTES } from '../pipeline/numbered-copy';
import { paramReferences } from '../pipeline/sql-params';
import { fileErrorReason } from './file-errors';
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
/** The COPY of lines (`raw_line`), or of a numbered copy's records (`line_no, raw_line`). */
const COPY = /^\s*copy\s+streamflix\.stg_raw_line\s*\(\s*(line_no\s*,\s*)?raw_line\s*\)\s+from\s+'([^']+)'/i;
/** Whether a COPY option is among the words after the source, quoted texts (credentials) aside. */
function hasOption(copySql: string, afterSource: number, option: string): boolean {
  return new RegExp(`\\b${option}\\b`, 'i').test(copySql.slice(afterSource).replace(/'[^']*'/g, "''"));
}

function pathOf(url: string): string {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (isAbsolute(url)) return url;
  throw new Error(`local COPY reads file:// URLs or absolute paths only; got ${url}`);
}

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

const notGzip = (path: string): Error =>
  new Error(`cannot read ${path}: not gzip, though its name ends in .gz (Redshift's COPY ... GZIP fails on it too); rename it or compress it`);

/**
 * Whether a file is gzip, by its magic bytes, as the local COPY reads it. Throws for a file
 * whose name ends in .gz and that is not gzip, which its COPY would fail on.
 */
export function isGzipFile(path: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  let gzip: boolean;
  try {
    gzip = isGzip(head.subarray(0, readSync(fd, head, 0, 2, 0)));
  } finally {
    closeSync(fd);
  }
  if (!gzip && /\.gz$/i.test(path)) throw notGzip(path);
  return gzip;
}

/**
 * Throws for a file whose name ends in .gz and that is not gzip, which its COPY would fail
 * on: for callers that check a run's files before its first load.
 */
export function assertGzipWhereNamed(path: string): void {
  if (/\.gz$/i.test(path)) isGzipFile(path);
}

/**
 * A file's bytes, gunzipped when they start with gzip's magic bytes. With `gzip` (the COPY
 * says GZIP: the object's name ends in .gz) a file that is not gzip is an error, as
 * Redshift's COPY fails on it; without it, a gzip file is still read (a local file's name
 * is its user's, where Redshift would read the compressed bytes as text).
 */
function readBytes(path: string, memory?: CopyMemory, gzip = false): Buffer {
  let bytes: Buffer;
  try {
    bytes = memory ? readInto(path, memory) : readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${fileErrorReason(e)}`);
  }
  const magic = isGzip(bytes);
  if (gzip && !magic) throw notGzip(path);
  if (magic) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`cannot read ${path}: not valid gzip (${(e as Error).message})`);
    }
  }
  return bytes;
}

/** A file's bytes read into the memory's file buffer (valid until its next read). */
function readInto(path: string, memory: CopyMemory): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const into = memory.file(size);
    let at = 0;
    for (let n = -1; at < size && n !== 0; at += n) n = readSync(fd, into, at, size - at, at);
    return into.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

function readText(path: string): string {
  return readBytes(path).toString('utf8');
}

function truncateBytes(line: string): string {
  if (line.length * 3 <= MAX_LINE_BYTES || Buffer.byteLength(line, 'utf8') <= MAX_LINE_BYTES) return line;
  const bytes = Buffer.from(line, 'utf8');
  return bytes.toString('utf8', 0, keptLength(bytes, 0, bytes.length));
}

function manifestFiles(manifestUri: string): string[] {
  const manifestPath = pathOf(manifestUri);
  try {
    const entries = (JSON.parse(readText(manifestPath)) as { entries: { url: string; mandatory?: boolean }[] }).entries;
    return entries.map((e) => pathOf(e.url));
  } catch (e) {
    throw new Error(`cannot read manifest ${manifestPath}: ${(e as Error).message}`);
  }
}

function linesOf(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) if (line !== '') lines.push(truncateBytes(line));
  return lines;
}

/** The lines of the manifest's files, in order, as COPY with ignoreblanklines lands them. */
export function manifestLines(manifestUri: string): string[] {
  return manifestFiles(manifestUri).flatMap((path) => linesOf(readText(path)));
}

const BINARY_COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]); // flags, extension length: 0
const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]); // field count -1
/** Far beyond what PGlite's 2 GiB of WASM memory can land in one COPY. */
const MAX_COPY_BYTES = 2 ** 32;

/**
 * The emulated COPY's memory, kept from load to load. A 50k-line load's stream is ~15 MB:
 * built in fresh buffers (the file's bytes, each file's rows, their concatenation, a Blob
 * and PGlite's copy of the Blob) it touched ~75 MB of new pages per load, and where the
 * first touch of a page is slow (~17 µs on virtual machines seen here, docs/decisions.md
 * W14) that was 250-400 ms of a 50k-line load. One growable buffer for a file's bytes and
 * one for the stream, handed to PGlite as they are, touch new pages only when a load is
 * larger than the ones before.
 */
export class CopyMemory {
  private readonly fileBytes = new ArrayBuffer(0, { maxByteLength: MAX_COPY_BYTES });
  private readonly streamBytes = new ArrayBuffer(0, { maxByteLength: MAX_COPY_BYTES });

  /** The file buffer, at least `size` bytes; it only grows (its contents are read over). */
  file(size: number): Buffer {
    grow(this.fileBytes, size);
    return Buffer.from(this.fileBytes, 0, size);
  }

  /** The stream buffer, at least `size` bytes, keeping what was written. */
  stream(size: number): Buffer {
    grow(this.streamBytes, size);
    return Buffer.from(this.streamBytes, 0, size);
  }

  /**
   * The stream's bytes, cut to its exact length (PGlite takes the whole ArrayBuffer as the
   * COPY's input). Cutting gives back the pages past it, so only a load larger than the
   * last one touches new pages.
   */
  finish(length: number): ArrayBuffer {
    this.streamBytes.resize(length);
    return this.streamBytes;
  }
}

function grow(buffer: ArrayBuffer, size: number): void {
  if (size > MAX_COPY_BYTES) {
    throw new Error(`a load's files make a COPY stream of ${size} bytes, over the local engine's ${MAX_COPY_BYTES}; load fewer or smaller files at a time`);
  }
  if (buffer.byteLength < size) buffer.resize(size);
}

/**
 * Writes the lines of a UTF-8 text at `at` as rows of one text column in PostgreSQL's binary
 * COPY format, straight from the bytes: each line lands byte for byte with no escaping to
 * undo (cheaper for PGlite than the text format) and no string is decoded or encoded. As
 * `manifestLines` reads them: cut at '\n' (a '\r' stays, as on Redshift), blank ones
 * skipped, a line over 65,535 bytes cut at the last character boundary within them; a NUL,
 * which PostgreSQL text cannot hold, becomes '?'. Returns the offset after the last row.
 */
function writeRowsOfUtf8(bytes: Buffer, memory: CopyMemory, at: number): number {
  let newlines = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) newlines += 1;
  const out = memory.stream(at + bytes.length + 6 * (newlines + 1));
  const hasNul = bytes.includes(0);
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const len = keptLength(bytes, start, end - start);
    if (len > 0) {
      out.writeInt16BE(1, at);
      out.writeInt32BE(len, at + 2);
      bytes.copy(out, at + 6, start, start + len);
      if (hasNul) {
        const row = out.subarray(at + 6, at + 6 + len); // searched alone: past it are earlier loads' bytes
        for (let i = row.indexOf(0); i !== -1; i = row.indexOf(0, i + 1)) row[i] = 0x3f;
      }
      at += 6 + len;
    }
    start = end + 1;
  }
  return at;
}

const NUMBERED_ROW_HEAD = 2 + 4 + 8 + 4; // field count, line_no's length and value, raw_line's length

/**
 * Writes a numbered copy's CSV records (`<line_no>,"<line, quotes doubled>"`, one per line, as
 * `writeNumberedCopy` writes them) as rows of (line_no, raw_line), the line treated as
 * `writeRowsOfUtf8` treats it. Redshift's CSV reader would reject a record of another shape;
 * this copy is ours, so one is an error naming its byte. Returns the offset after the last row.
 */
function writeNumberedRows(bytes: Buffer, path: string, memory: CopyMemory, at: number): number {
  let records = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) records += 1;
  const out = memory.stream(at + bytes.length + NUMBERED_ROW_HEAD * (records + 1));
  const malformed = (byte: number): Error => new Error(`numbered copy ${path}: not a record of line_no and quoted line at byte ${byte}`);
  for (let start = 0; start < bytes.length; ) {
    const comma = bytes.indexOf(0x2c, start);
    const digits = comma === -1 ? '' : bytes.toString('latin1', start, comma);
    if (!/^[0-9]{1,16}$/.test(digits) || bytes[comma + 1] !== 0x22) throw malformed(start);
    const row = at;
    at += NUMBERED_ROW_HEAD;
    let end = comma + 2; // the closing quote: a quote not doubled
    for (;;) {
      const quote = bytes.indexOf(0x22, end);
      if (quote === -1) throw malformed(start);
      if (bytes[quote + 1] !== 0x22) {
        at += bytes.copy(out, at, end, quote);
        end = quote + 1;
        break;
      }
      at += bytes.copy(out, at, end, quote + 1);
      end = quote + 2;
    }
    if (end < bytes.length && bytes[end] !== 0x0a) throw malformed(end);
    const len = keptLength(out, row + NUMBERED_ROW_HEAD, at - row - NUMBERED_ROW_HEAD);
    const line = out.subarray(row + NUMBERED_ROW_HEAD, row + NUMBERED_ROW_HEAD + len);
    for (let i = line.indexOf(0); i !== -1; i = line.indexOf(0, i + 1)) line[i] = 0x3f;
    out.writeInt16BE(2, row);
    out.writeInt32BE(8, row + 2);
    out.writeBigInt64BE(BigInt(digits), row + 6);
    out.writeInt32BE(len, row + 14);
    at = row + NUMBERED_ROW_HEAD + len;
    start = end + 1;
  }
  return at;
}

/**
 * The manifest's lines as one binary COPY stream, in the memory's stream buffer (valid until
 * its next stream); null when there are none. `numbered`: the files are numbered copies, and
 * each row is (line_no, raw_line).
 */
export function copyStream(manifestUri: string, memory: CopyMemory = new CopyMemory(), gzip = false, numbered = false): ArrayBuffer | null {
  const files = manifestFiles(manifestUri);
  let at = BINARY_COPY_HEADER.copy(memory.stream(BINARY_COPY_HEADER.length), 0);
  for (const path of files) {
    let bytes = readBytes(path, memory, gzip);
    // a file that is not valid UTF-8 is read as text is, invalid sequences replaced (U+FFFD)
    if (!isUtf8(bytes)) bytes = Buffer.from(bytes.toString('utf8'), 'utf8');
    at = numbered ? writeNumberedRows(bytes, path, memory, at) : writeRowsOfUtf8(bytes, memory, at);
  }
  if (at === BINARY_COPY_HEADER.length) return null;
  at += BINARY_COPY_TRAILER.copy(memory.stream(at + BINARY_COPY_TRAILER.length), at);
  return memory.finish(at);
}

/** A transaction that failed, in a statement or at its commit: nothing of it is stored. */
export class TransactionRolledBack extends Error {}

/** An error's message with PostgreSQL's detail, which names the offending value (`Key (n)=(1) already exists.`). */
function withDetail(e: unknown): string {
  const err = e as Error & { detail?: string };
  return err.detail ? `${err.message}: ${err.detail}` : err.message;
}

export class PGliteExecutor implements SqlExecutor {
  private readonly adapted = new Map<string, string[]>();
  private readonly copyMemory = new CopyMemory();

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

  /** Throws `TransactionRolledBack` when a statement or the commit fails. */
  async transaction(statements: readonly string[], params: SqlParams = {}): Promise<void> {
    let committing = 0;
    try {
      await this.db.transaction(async (tx) => {
        for (const sql of statements) await this.run(tx, sql, params);
        committing = performance.now();
      });
    } catch (e) {
      // a statement's error names its statement already; the commit's is a deferred foreign-key check
      throw new TransactionRolledBack(committing === 0 ? (e as Error).message : `${withDetail(e)} (at commit)`, { cause: e });
    }
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
      const afterSource = copy.index + copy[0].length;
      const numbered = copy[1] !== undefined;
      if (numbered && !(hasOption(sql, afterSource, 'csv') && hasOption(sql, afterSource, 'explicit_ids'))) {
        throw new Error('the local COPY of (line_no, raw_line) reads numbered copies only: CSV with EXPLICIT_IDS');
      }
      await this.copy(target, copy[2], hasOption(sql, afterSource, 'gzip'), numbered);
      this.trace?.(`copy (emulated) from ${copy[2]}`.slice(0, 70), performance.now() - started);
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
        throw new Error(`${withDetail(e)} (in: ${stmt.replace(/\s+/g, ' ').slice(0, 160)})`, { cause: e });
      }
    }
    return rows;
  }

  private async copy(target: Queryable, manifestUri: string, gzip: boolean, numbered: boolean): Promise<void> {
    const stream = copyStream(manifestUri, this.copyMemory, gzip, numbered);
    if (stream === null) return;
    // PGlite (pinned) reads a COPY's /dev/blob through `arrayBuffer()` alone, once per query:
    // handing it the stream's own buffer spares a Blob's copy and PGlite's copy of the Blob
    const source: Pick<Blob, 'arrayBuffer'> = { arrayBuffer: async () => stream };
    const columns = numbered ? 'line_no, raw_line' : 'raw_line';
    await target.query(`copy streamflix.stg_raw_line (${columns}) from '/dev/blob' with (format binary)`, [], {
      blob: source as Blob,
    });
  }
}
