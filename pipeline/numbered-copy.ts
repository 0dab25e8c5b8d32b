/**
 * Reference feeds say "a later line for the same content_id replaces the earlier one", so a
 * load must know the order of an object's lines. Redshift's COPY does not keep it: its
 * IDENTITY values "might not match the order in the source files". So a reference object is
 * landed from a numbered copy: one CSV record per non-empty line, `<line_no>,"<line>"`, whose
 * line_no COPY stores as given (EXPLICIT_IDS). The Lambda writes the copy to S3 beside the
 * load's manifests, the local run to its manifest directory; both with this code.
 *
 * Event objects are not copied: Firehose writes them by the thousand, and a redelivered event
 * is the same event whichever of its lines is landed first (docs/decisions.md W2).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { FeedKind } from './load';

/** The feeds landed through numbered copies: the reference feeds, where a later line wins. */
export const NUMBERED_KINDS: readonly FeedKind[] = ['catalog', 'users'];

export const isNumberedKind = (kind: FeedKind): boolean => NUMBERED_KINDS.includes(kind);

/**
 * The line_no of a numbered object's lines starts above any IDENTITY value COPY generates
 * (a billion lines a day for more than two thousand years), so numbered and generated
 * values never meet in one load.
 */
export const NUMBERED_LINE_BASE = 1e15;
/** Room for each object's lines: line k of the object numbered n is BASE + n × this + k. */
export const LINES_PER_NUMBERED_OBJECT = 1e10;

/** The line_no of line `line` (1-based, blank lines counted) of the load's object `objectNo`. */
export function numberedLineNo(objectNo: number, line: number): number {
  if (!Number.isInteger(objectNo) || objectNo < 1 || objectNo > 99_999) throw new Error(`objectNo must be an integer from 1 to 99999; got ${objectNo}`);
  if (!Number.isInteger(line) || line < 1 || line >= LINES_PER_NUMBERED_OBJECT) {
    throw new Error(`line must be an integer from 1 to ${LINES_PER_NUMBERED_OBJECT - 1}; got ${line}: split the file`);
  }
  return NUMBERED_LINE_BASE + objectNo * LINES_PER_NUMBERED_OBJECT + line;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** One line's CSV record: its number, then its bytes quoted, quotes doubled. */
function record(lineNo: number, line: Buffer): Buffer {
  let quotes = 0;
  for (let i = line.indexOf(QUOTE); i !== -1; i = line.indexOf(QUOTE, i + 1)) quotes += 1;
  const head = Buffer.from(`${lineNo},"`, 'latin1');
  const out = Buffer.allocUnsafe(head.length + line.length + quotes + 2);
  let at = head.copy(out, 0);
  if (quotes === 0) at += line.copy(out, at);
  else {
    for (const byte of line) {
      out[at++] = byte;
      if (byte === QUOTE) out[at++] = QUOTE;
    }
  }
  out[at++] = QUOTE;
  out[at++] = NEWLINE;
  return out;
}

/**
 * The longest line COPY lands: `raw_line` is varchar(65535), which counts bytes, and COPY's
 * TRUNCATECOLUMNS cuts a longer value (the local COPY cuts at the same length).
 */
export const MAX_LINE_BYTES = 65535;

/**
 * How many of the `length` bytes of a line at `start` COPY keeps: all, or at most
 * MAX_LINE_BYTES cut at a character boundary (the cut-off part never starts with a
 * continuation byte). Both COPYs of the local engine and the numbering use it.
 */
export function keptLength(bytes: Uint8Array, start: number, length: number): number {
  if (length <= MAX_LINE_BYTES) return length;
  let len = MAX_LINE_BYTES;
  while (len > 0 && (bytes[start + len] & 0xc0) === 0x80) len -= 1;
  return len;
}

/**
 * Bytes in, CSV records out: the object's lines cut at '\n' as COPY cuts them (a '\r' stays
 * in its line), each numbered by its position in the object, blank lines counted; empty lines
 * are left out, as COPY's IGNOREBLANKLINES leaves them. Bytes pass unchanged, so COPY's
 * ACCEPTINVCHARS treats a line as it would unnumbered; a line is cut here as TRUNCATECOLUMNS
 * would cut it, so that a line of any length costs only what COPY keeps of it (Redshift
 * refuses a row over 4 MB outright: cut, the line is quarantined as malformed instead).
 */
export class LineNumberer extends Transform {
  /** The current line's bytes so far, at most MAX_LINE_BYTES + 3 (enough to find where to cut). */
  private parts: Buffer[] = [];
  private kept = 0;
  private line = 0;

  constructor(private readonly objectNo: number) {
    super();
    numberedLineNo(objectNo, 1); // a bad object number fails here, not at the first line
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const out: Buffer[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        this.keep(chunk.subarray(start, nl));
        this.numberLine(out);
        start = nl + 1;
      }
      this.keep(chunk.subarray(start));
      done(null, out.length === 0 ? undefined : Buffer.concat(out));
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const out: Buffer[] = [];
      if (this.parts.length > 0) this.numberLine(out);
      done(null, out.length === 0 ? undefined : Buffer.concat(out));
    } catch (e) {
      done(e as Error);
    }
  }

  /** Keeps the part of `bytes` the current line can still use; the rest is cut anyway. */
  private keep(bytes: Buffer): void {
    const room = MAX_LINE_BYTES + 3 - this.kept;
    if (bytes.length === 0 || room <= 0) return;
    // copied: the chunk's buffer may be reused by the stream that handed it over
    const part = Buffer.from(bytes.subarray(0, room));
    this.parts.push(part);
    this.kept += part.length;
  }

  private numberLine(out: Buffer[]): void {
    this.line += 1;
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.kept = 0;
    if (line.length > 0) out.push(record(numberedLineNo(this.objectNo, this.line), line.subarray(0, keptLength(line, 0, line.length))));
  }
}

export interface NumberedCopyOptions {
  /** The object's position in its load (1, 2, …): keeps its line numbers apart from the others'. */
  readonly objectNo: number;
  /** The object is gzip (its key ends in .gz, as COPY decides); the copy is always gzip. */
  readonly gunzip: boolean;
}

/**
 * Streams an object's numbered copy, gzip, into `sink`, read from `source`: only what the
 * sink holds at a time is in memory, however large the object (the Lambda uploads it in parts).
 */
export async function writeNumberedCopy(
  source: Readable,
  options: NumberedCopyOptions,
  sink: (gzipped: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const numberer = new LineNumberer(options.objectNo);
  if (options.gunzip) await pipeline(source, createGunzip(), numberer, createGzip(), sink);
  else await pipeline(source, numberer, createGzip(), sink);
}
