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
import { constants, createGunzip, createGzip } from 'node:zlib';
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
const COMMA = 0x2c;
const ZERO = 0x30;
/** A record's bytes besides its line: the number (at most 16 digits), a comma, two quotes, a line feed. */
const RECORD_OVERHEAD = 20;

/** Adds `by` to the decimal number whose ASCII digits `digits` holds (it does not grow a digit: the line_no's range keeps it within 16). */
function countUp(digits: Buffer, by: number): void {
  let carry = by;
  for (let i = digits.length - 1; carry > 0; i--) {
    const sum = digits[i] - ZERO + carry;
    digits[i] = ZERO + (sum % 10);
    carry = Math.floor(sum / 10);
  }
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
  /** The current line's bytes so far, when it began in an earlier chunk: at most MAX_LINE_BYTES + 3 (enough to find where to cut). */
  private parts: Buffer[] = [];
  private kept = 0;
  private line = 0;
  /** The text of the line_no of line `counted`, counted up to the next line's (a String() per line cost a third of the numbering). */
  private readonly digits: Buffer;
  private counted = 0;
  /** Where this chunk's records are written; reused while the stream it went to is done with it. */
  private out = Buffer.allocUnsafe(0);
  private at = 0;

  constructor(private readonly objectNo: number) {
    super();
    // the line_no before the object's first: a bad object number fails here, not at the first line
    this.digits = Buffer.from(String(numberedLineNo(objectNo, 1) - 1), 'latin1');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      // every record fits: each byte at most twice (quotes doubled), and a number, a comma,
      // two quotes and a line feed per line (at most one line per line feed, plus the one in parts)
      let lines = 1;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, nl + 1)) lines += 1;
      this.reserve(2 * (Math.min(chunk.length, MAX_LINE_BYTES * lines) + this.kept) + RECORD_OVERHEAD * lines);
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        if (this.parts.length === 0) this.numberLine(chunk.subarray(start, nl)); // the common case: no copy
        else {
          this.keep(chunk.subarray(start, nl));
          this.numberLine(this.takeParts());
        }
        start = nl + 1;
      }
      this.keep(chunk.subarray(start));
      done(null, this.written());
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.reserve(2 * this.kept + RECORD_OVERHEAD);
      if (this.parts.length > 0) this.numberLine(this.takeParts());
      done(null, this.written());
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

  private takeParts(): Buffer {
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.kept = 0;
    return line;
  }

  /** Room for `bytes` more: a new buffer, since the records written before now belong to the next stream. */
  private reserve(bytes: number): void {
    this.out = Buffer.allocUnsafe(bytes);
    this.at = 0;
  }

  private written(): Buffer | undefined {
    return this.at === 0 ? undefined : this.out.subarray(0, this.at);
  }

  /** The line's CSV record: its number, then its bytes (as COPY keeps them) quoted, quotes doubled. */
  private numberLine(line: Buffer): void {
    this.line += 1;
    if (line.length === 0) return;
    const out = this.out;
    let at = this.at;
    if (this.line >= LINES_PER_NUMBERED_OBJECT) numberedLineNo(this.objectNo, this.line); // throws, saying to split the file
    countUp(this.digits, this.line - this.counted);
    this.counted = this.line;
    for (let i = 0; i < this.digits.length; i++) out[at++] = this.digits[i];
    out[at++] = COMMA;
    out[at++] = QUOTE;
    const length = keptLength(line, 0, line.length);
    // byte by byte: a JSON line has a quote every few bytes, too many for a copy call each
    for (let i = 0; i < length; i++) {
      const byte = line[i];
      out[at++] = byte;
      if (byte === QUOTE) out[at++] = QUOTE;
    }
    out[at++] = QUOTE;
    out[at++] = NEWLINE;
    this.at = at;
  }
}

export interface NumberedCopyOptions {
  /** The object's position in its load (1, 2, …): keeps its line numbers apart from the others'. */
  readonly objectNo: number;
  /** The object is gzip (its key ends in .gz, as COPY decides); the copy is always gzip. */
  readonly gunzip: boolean;
  /**
   * Stops the copy when aborted (the Lambda's deadline): the streams are destroyed and the
   * sink's iteration fails, so that it can clean up.
   * @default the copy runs to its end
   */
  readonly signal?: AbortSignal;
}

/** An error a stream gets because another one of its chain failed or was stopped, not a cause. */
const isStreamConsequence = (e: unknown): boolean =>
  (e as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as { name?: unknown }).name === 'AbortError';

/**
 * Streams an object's numbered copy, gzip, into `sink`, read from `source`: only what the
 * sink holds at a time is in memory, however large the object (the Lambda uploads it in parts).
 *
 * Settles only once both the chain and the sink have: a failing sink has finished its own
 * clean-up (an upload aborted) by then, which a frozen Lambda would otherwise never send.
 * The error is the one that caused the failure (the source's, or the sink's own, such as
 * S3's), not the stream error the other side got in consequence.
 */
export async function writeNumberedCopy(
  source: Readable,
  options: NumberedCopyOptions,
  sink: (gzipped: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const numberer = new LineNumberer(options.objectNo);
  // the fastest level: the copy is read once, by COPY, and deleted within days, while its time
  // is the Lambda's (the default level took 1.7 times as long, for 12 % fewer bytes)
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const chain = options.gunzip ? pipeline(source, createGunzip(), numberer, gzip, { signal: options.signal }) : pipeline(source, numberer, gzip, { signal: options.signal });
  // the sink reads beside the chain, not as its last stage, so that its own error and
  // clean-up are its own; one that stops reading early must not leave the chain waiting
  const sinking = sink(gzip).then(
    () => {
      if (gzip.readableEnded) return;
      const early = new Error("the numbered copy's sink stopped reading before the copy ended");
      gzip.destroy(early);
      throw early;
    },
    (e: unknown) => {
      gzip.destroy();
      throw e;
    },
  );
  const failures = (await Promise.allSettled([chain, sinking])).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((e) => !isStreamConsequence(e)) ?? failures[0];
}
