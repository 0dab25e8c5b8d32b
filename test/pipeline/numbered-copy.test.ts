import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { copyStream } from '../../local/pglite-executor';
import { manifestFor } from '../../pipeline/load';
import { keptLength, LINES_PER_NUMBERED_OBJECT, MAX_LINE_BYTES, NUMBERED_LINE_BASE, numberedLineNo, writeNumberedCopy, type NumberedCopyOptions } from '../../pipeline/numbered-copy';

/** The gzip bytes of an object's numbered copy, collected from the sink. */
async function numberedCopy(source: Readable, options: NumberedCopyOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await writeNumberedCopy(source, options, async (gzipped) => {
    for await (const chunk of gzipped) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/** The numbered copy of `bytes`, fed in chunks of `chunk` bytes, as text. */
async function copyText(bytes: Buffer, objectNo = 1, chunk = 1 << 16, gunzip = false): Promise<string> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return gunzipSync(await numberedCopy(Readable.from(chunks), { objectNo, gunzip })).toString('utf8');
}

const n = (line: number, objectNo = 1): number => numberedLineNo(objectNo, line);

describe('numberedLineNo', () => {
  it('puts line k of object n at BASE + n × room + k, above every generated IDENTITY value', () => {
    expect(numberedLineNo(1, 1)).toBe(NUMBERED_LINE_BASE + LINES_PER_NUMBERED_OBJECT + 1);
    expect(numberedLineNo(2, 7)).toBe(NUMBERED_LINE_BASE + 2 * LINES_PER_NUMBERED_OBJECT + 7);
    // the last line of one object stays below the first of the next
    expect(numberedLineNo(1, LINES_PER_NUMBERED_OBJECT - 1)).toBeLessThan(numberedLineNo(2, 1));
    expect(Number.isSafeInteger(numberedLineNo(99_999, LINES_PER_NUMBERED_OBJECT - 1))).toBe(true);
  });

  it('refuses a line or object it cannot number exactly, saying what to do', () => {
    expect(() => numberedLineNo(0, 1)).toThrow(/objectNo/);
    expect(() => numberedLineNo(1, 0)).toThrow(/line must be/);
    expect(() => numberedLineNo(1, LINES_PER_NUMBERED_OBJECT)).toThrow(/split the file/);
  });
});

describe('writeNumberedCopy', () => {
  it('numbers each line by its place in the object, blank lines counted and empty ones left out', async () => {
    expect(await copyText(Buffer.from('{"a":1}\n\n  \n{"b":2}\n'))).toBe(`${n(1)},"{""a"":1}"\n${n(3)},"  "\n${n(4)},"{""b"":2}"\n`);
  });

  it('keeps a last line without a line feed, a carriage return, commas and the 0x1f byte inside the quotes', async () => {
    expect(await copyText(Buffer.from('x,y\r\nlast\u001f'))).toBe(`${n(1)},"x,y\r"\n${n(2)},"last\u001f"\n`);
  });

  it('is the same whichever way the object is cut into chunks', async () => {
    const text = Buffer.from(Array.from({ length: 50 }, (_, i) => `{"content_id":"c-${i}","title":"a \\"quoted\\" title"}`).join('\n'));
    const whole = await copyText(text);
    for (const chunk of [1, 2, 7, 64]) expect(await copyText(text, 1, chunk)).toBe(whole);
    expect(whole.split('\n')).toHaveLength(51);
  });

  it('cuts a line longer than COPY keeps at a character boundary, as TRUNCATECOLUMNS would, and numbers the next', async () => {
    const long = 'é'.repeat(40_000); // 80,000 bytes: 65,535 would split a character
    expect(await copyText(Buffer.from(`${long}\nx`), 1, 4096)).toBe(`${n(1)},"${'é'.repeat(32_767)}"\n${n(2)},"x"\n`);
  });

  it('keeps only what COPY keeps of a line of megabytes (Redshift refuses a row over 4 MB)', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    const quoted = '""q""';
    expect(await copyText(Buffer.concat([huge, Buffer.from('\n"q"')]), 1, 65536)).toBe(`${n(1)},"${'a'.repeat(MAX_LINE_BYTES)}"\n${n(2)},"${quoted}"\n`);
  });

  it('reads a gzip object and numbers the lines of another object of the load apart', async () => {
    expect(await copyText(gzipSync('a\nb'), 3, 5, true)).toBe(`${n(1, 3)},"a"\n${n(2, 3)},"b"\n`);
  });

  it('passes bytes that are not UTF-8 through unchanged (COPY ACCEPTINVCHARS decides on them)', async () => {
    const raw = gunzipSync(await numberedCopy(Readable.from([Buffer.from([0x7b, 0xff, 0x7d])]), { objectNo: 1, gunzip: false }));
    expect(raw).toEqual(Buffer.concat([Buffer.from(`${n(1)},`), Buffer.from([0x22, 0x7b, 0xff, 0x7d, 0x22, 0x0a])]));
  });
});

/** The numbered copy as the format says, written the plain way: split, skip empty, cut, quote. */
function plainCopy(bytes: Buffer, objectNo: number): Buffer {
  const records: Buffer[] = [];
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  lines.push(bytes.subarray(start));
  for (const [i, line] of lines.entries()) {
    if (line.length === 0) continue;
    const kept = line.subarray(0, keptLength(line, 0, line.length)).toString('latin1'); // latin1: byte for byte
    records.push(Buffer.from(`${numberedLineNo(objectNo, i + 1)},"${kept.replaceAll('"', '""')}"\n`, 'latin1'));
  }
  return Buffer.concat(records);
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('writeNumberedCopy when its sink fails', () => {
  const many = () => Readable.from(Array.from({ length: 200 }, (_, i) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat(2000)}"}\n`)));

  it("fails with the sink's own error, not the chain's, when the sink fails before reading", async () => {
    await expect(writeNumberedCopy(many(), { objectNo: 1, gunzip: false }, () => Promise.reject(new Error('no room')))).rejects.toThrow('no room');
  });

  it('fails, and does not wait for ever, when the sink stops reading early without an error', async () => {
    const sink = async (gzipped: AsyncIterable<Buffer>) => {
      for await (const chunk of gzipped) if (chunk.length > 0) return;
    };
    await expect(writeNumberedCopy(many(), { objectNo: 1, gunzip: false }, sink)).rejects.toThrow(/sink stopped reading before the copy ended|premature close/i);
  });

  it("fails with the source's error when the object breaks off", async () => {
    const broken = new Readable({ read() { this.destroy(new Error('socket hang up')); } });
    const sink = async (gzipped: AsyncIterable<Buffer>) => {
      for await (const chunk of gzipped) void chunk;
    };
    await expect(writeNumberedCopy(broken, { objectNo: 1, gunzip: false }, sink)).rejects.toThrow('socket hang up');
  });
});

describe('writeNumberedCopy against the plain reading of its format', () => {
  it('writes the same bytes for random objects in random chunks: quotes, blank runs, long lines, split characters', async () => {
    const pieces = ['{"a":"b"}', '"', '\n', '\n'.repeat(120), ',', '\r', 'é', '\u{1F600}', ' ', 'x'.repeat(70_000), '\u001f'];
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed);
      const parts: Buffer[] = [];
      for (let i = 0; i < 400; i++) parts.push(Buffer.from(pieces[Math.floor(next() * (next() < 0.02 ? pieces.length : pieces.length - 1))]));
      if (seed % 3 === 0) parts.push(Buffer.from([0xff, 0xc3])); // bytes that are not UTF-8, last
      const bytes = Buffer.concat(parts);
      const chunk = 1 + Math.floor(next() * 9000);
      const objectNo = 1 + Math.floor(next() * 99_999);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
      const copy = gunzipSync(await numberedCopy(Readable.from(chunks), { objectNo, gunzip: false }));
      const plain = plainCopy(bytes, objectNo);
      expect(copy.equals(plain), `seed ${seed}, chunks of ${chunk}`).toBe(true);
    }
  });
});

describe('the local COPY of a numbered copy', () => {
  it('lands every line exactly as the unnumbered COPY would, each with its number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'numbered-'));
    const lines = ['{"t":"say ""hi"""}', '', 'a,b\r', 'nul\u0000here', 'é"'];
    const file = join(dir, 'copy.csv.gz');
    writeFileSync(file, await numberedCopy(Readable.from([Buffer.from(lines.join('\n'))]), { objectNo: 2, gunzip: false }));
    const manifest = join(dir, 'm.manifest');
    writeFileSync(manifest, manifestFor([pathToFileURL(file).href]));
    const stream = Buffer.from(copyStream(manifest, undefined, true, true) as ArrayBuffer);
    // PostgreSQL's binary COPY: an 19-byte header, then per row a field count and length-prefixed fields
    const rows: [bigint, string][] = [];
    for (let at = 19; stream.readInt16BE(at) !== -1; ) {
      expect(stream.readInt16BE(at)).toBe(2);
      const lineNo = stream.readBigInt64BE(at + 6);
      const len = stream.readInt32BE(at + 14);
      rows.push([lineNo, stream.toString('utf8', at + 18, at + 18 + len)]);
      at += 18 + len;
    }
    expect(rows).toEqual([
      [BigInt(n(1, 2)), '{"t":"say ""hi"""}'],
      [BigInt(n(3, 2)), 'a,b\r'],
      [BigInt(n(4, 2)), 'nul?here'],
      [BigInt(n(5, 2)), 'é"'],
    ]);
  });

  it('refuses a file that is not a numbered copy, naming the byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'numbered-'));
    const file = join(dir, 'plain.ndjson');
    writeFileSync(file, '{"a":1}\n');
    const manifest = join(dir, 'm.manifest');
    writeFileSync(manifest, manifestFor([pathToFileURL(file).href]));
    expect(() => copyStream(manifest, undefined, false, true)).toThrow(/numbered copy .*plain\.ndjson: not a record of line_no and quoted line at byte 0/);
  });
});
