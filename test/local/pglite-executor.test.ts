import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFor } from '../../pipeline/load';
import { CopyMemory, copyStream, manifestLines, toPositional } from '../../local/pglite-executor';
import type { LocalWarehouse } from '../../local/warehouse';
import { freshWarehouse, rows } from './helpers';

describe('toPositional', () => {
  it('numbers named parameters, one number per name', () => {
    expect(toPositional('select :a, :b, :a', { a: 1, b: 'x' })).toEqual({ sql: 'select $1, $2, $1', values: [1, 'x'] });
  });

  it('leaves ::casts, quotes, identifiers, comments and dollar bodies alone', () => {
    const sql = `select x::varchar, ':no', ":no", j['k']::int -- :no\n, $$ :no $$ /* :no */ from t where a = :yes`;
    expect(toPositional(sql, { yes: 5 })).toEqual({ sql: sql.replace(':yes', '$1'), values: [5] });
  });

  it('refuses a parameter without a value', () => {
    expect(() => toPositional('select :missing', {})).toThrow(/:missing has no value/);
  });
});

describe('COPY emulation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'copy-'));
  const manifest = (file: string): string => {
    const path = join(dir, `${Math.random()}.manifest`);
    writeFileSync(path, manifestFor([pathToFileURL(file).href]));
    return path;
  };

  it('reads plain and gzip files (by magic bytes), skipping empty lines, keeping order', () => {
    const plain = join(dir, 'a.ndjson');
    writeFileSync(plain, 'one\n\ntwo\r\n  \nthree');
    const gz = join(dir, 'b.bin');
    writeFileSync(gz, gzipSync('x\ny\n'));
    expect(manifestLines(manifest(plain))).toEqual(['one', 'two\r', '  ', 'three']);
    expect(manifestLines(manifest(gz))).toEqual(['x', 'y']);
  });

  it('builds each stream in the same memory, cut to the stream\'s exact length', () => {
    const big = join(dir, 'big.ndjson');
    writeFileSync(big, 'x'.repeat(5000) + '\n' + 'y'.repeat(5000) + '\n');
    const small = join(dir, 'small.ndjson');
    writeFileSync(small, 'ab\n\ncd\n');
    const memory = new CopyMemory();
    const first = copyStream(manifest(big), memory);
    const second = copyStream(manifest(small), memory);
    expect(second).toBe(first);
    // header 19 bytes, two rows of (field count 2 + length 4 + 2 bytes), trailer 2
    expect(second?.byteLength).toBe(19 + 2 * (6 + 2) + 2);
    expect(Buffer.from(second as ArrayBuffer).subarray(19).toString('latin1')).toBe('\0\x01\0\0\0\x02ab\0\x01\0\0\0\x02cd\xff\xff');
  });

  it('refuses a file that is not gzip when the COPY says GZIP, as Redshift does, and reads one that is', () => {
    const plain = join(dir, 'plain.gz');
    writeFileSync(plain, 'x\n');
    expect(() => copyStream(manifest(plain), new CopyMemory(), true)).toThrow(/cannot read .*plain\.gz: not gzip, though its name ends in \.gz/);
    const gz = join(dir, 'real.gz');
    writeFileSync(gz, gzipSync('x\n'));
    expect(copyStream(manifest(gz), new CopyMemory(), true)?.byteLength).toBe(19 + 6 + 1 + 2);
  });

  it('gives no stream for files without a non-blank line', () => {
    const blank = join(dir, 'blank.ndjson');
    writeFileSync(blank, '\n\n');
    expect(copyStream(manifest(blank), new CopyMemory())).toBeNull();
  });

  it('fails with a clear message when a file is missing', () => {
    expect(() => manifestLines(manifest(join(dir, 'missing.ndjson')))).toThrow(/cannot read .*missing\.ndjson: no such file or directory \(ENOENT\)/);
    expect(() => copyStream(manifest(join(dir, 'missing.ndjson')))).toThrow(/cannot read .*missing\.ndjson: no such file or directory \(ENOENT\)/);
    expect(() => copyStream(manifest(dir))).toThrow(/cannot read .*: is a directory, not a file \(EISDIR\)/);
  });

  describe('in PGlite', () => {
    let w: LocalWarehouse;
    beforeAll(async () => {
      w = await freshWarehouse();
    });
    afterAll(async () => w.close());

    it('lands lines verbatim, backslashes, tabs and control characters included', async () => {
      const lines = ['{"a":"back\\\\slash \\" quote"}', 'tab\there', 'unit\x1fsep', '\\N', 'ünï', 'carriage\rreturn', '\\.'];
      const file = join(dir, 'verbatim.ndjson');
      writeFileSync(file, lines.join('\n') + '\n');
      await w.exec.transaction([`copy streamflix.stg_raw_line (raw_line) from '${manifest(file)}' manifest`]);
      const r = await rows(w, 'select raw_line from streamflix.stg_raw_line order by line_no');
      expect(r.map((x) => x.raw_line)).toEqual(lines);
    });

    const landed = async (file: string): Promise<unknown[]> => {
      await w.exec.transaction(['delete from streamflix.stg_raw_line', `copy streamflix.stg_raw_line (raw_line) from '${manifest(file)}' manifest`]);
      return (await rows(w, 'select raw_line from streamflix.stg_raw_line order by line_no')).map((x) => x.raw_line);
    };

    it('takes GZIP from the options only, not from a quoted text such as the role', async () => {
      const file = join(dir, 'plain-for-options.gz');
      writeFileSync(file, 'x\n');
      const copy = (options: string) => `copy streamflix.stg_raw_line (raw_line) from '${manifest(file)}' ${options} delimiter '\\037'`;
      await w.exec.transaction(['delete from streamflix.stg_raw_line', copy("iam_role 'arn:aws:iam::123456789012:role/gzip' manifest")]);
      expect((await rows(w, 'select raw_line from streamflix.stg_raw_line')).map((x) => x.raw_line)).toEqual(['x']);
      await expect(w.exec.transaction([copy("iam_role 'arn:aws:iam::123456789012:role/gzip' manifest gzip")])).rejects.toThrow(/not gzip, though its name ends in \.gz/);
    });

    it('cuts a line over 65,535 bytes at the last whole character within them', async () => {
      const file = join(dir, 'long.ndjson');
      const twoByte = 'a'.repeat(65534) + 'é' + 'tail'; // é would straddle byte 65,535
      const fourByte = 'b'.repeat(65533) + '😀'; // the emoji would straddle it
      const exact = 'c'.repeat(65533) + 'é'; // ends exactly at byte 65,535
      writeFileSync(file, [twoByte, fourByte, exact, 'short'].join('\n'));
      expect(await landed(file)).toEqual(['a'.repeat(65534), 'b'.repeat(65533), exact, 'short']);
      expect(await landed(file)).toEqual(manifestLines(manifest(file)));
    });

    it('lands a file that is not valid UTF-8 with replacement characters, as the text path reads it', async () => {
      const file = join(dir, 'latin1.ndjson');
      writeFileSync(file, Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('\nok\0\n')]));
      expect(await landed(file)).toEqual(['caf\uFFFD', 'ok?']);
    });

    it('lands the lines of every file a manifest names, in order', async () => {
      const a = join(dir, 'm1.ndjson');
      const b = join(dir, 'm2.ndjson');
      writeFileSync(a, 'a1\n\na2\r\n');
      writeFileSync(b, gzipSync('b1\nb\u00002'));
      const path = join(dir, 'two.manifest');
      writeFileSync(path, manifestFor([pathToFileURL(a).href, pathToFileURL(b).href]));
      await w.exec.transaction(['delete from streamflix.stg_raw_line', `copy streamflix.stg_raw_line (raw_line) from '${path}' manifest`]);
      const r = await rows(w, 'select raw_line from streamflix.stg_raw_line order by line_no');
      expect(r.map((x) => x.raw_line)).toEqual(['a1', 'a2\r', 'b1', 'b?2']);
    });

    it('lands a smaller load after a larger one with only its own lines, and a larger one after that whole', async () => {
      const large = join(dir, 'large.ndjson');
      const largeLines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${'p'.repeat(i % 97)}"}`);
      writeFileSync(large, largeLines.join('\n'));
      const small = join(dir, 'smaller.ndjson');
      writeFileSync(small, 'only\nthese\n');
      expect(await landed(large)).toEqual(largeLines);
      expect(await landed(small)).toEqual(['only', 'these']);
      expect(await landed(large)).toEqual(largeLines);
    });

    it('lands a NUL, which PostgreSQL text cannot hold, as ?', async () => {
      const file = join(dir, 'nul.ndjson');
      writeFileSync(file, 'a\0b\n');
      await w.exec.transaction(['delete from streamflix.stg_raw_line', `copy streamflix.stg_raw_line (raw_line) from '${manifest(file)}' manifest`]);
      const r = await rows(w, 'select raw_line from streamflix.stg_raw_line');
      expect(r.map((x) => x.raw_line)).toEqual(['a?b']);
    });
  });
});
