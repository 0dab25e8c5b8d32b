/**
 * An unreadable file inside an --events directory. The tests run as root, for whom every
 * file is readable, so `accessSync` refuses the one file here as it would for another user.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../local/cli';
import { EXAMPLES } from './helpers';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const accessSync: typeof fs.accessSync = (path, mode) => {
    if (String(path).endsWith('unreadable.ndjson')) throw Object.assign(new Error(`EACCES: permission denied, access '${String(path)}'`), { code: 'EACCES' });
    fs.accessSync(path, mode);
  };
  return { ...fs, default: { ...fs, accessSync }, accessSync };
});

describe('local CLI, a directory with an unreadable file', () => {
  it('stops before the first load with one error line naming the file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'streamflix-unreadable-')), 'events');
    mkdirSync(dir);
    copyFileSync(fileURLToPath(new URL('events.ndjson', EXAMPLES)), join(dir, 'a.ndjson'));
    copyFileSync(fileURLToPath(new URL('events.ndjson', EXAMPLES)), join(dir, 'unreadable.ndjson'));
    let out = '';
    let err = '';
    const code = await main(['--events', dir], (s) => (out += s), (s) => (err += s));
    expect(code).toBe(1);
    expect(err).toBe(`error: cannot read ${join(dir, 'unreadable.ndjson')}: permission denied (EACCES)\n`);
    expect(out).toBe('');
  });
});
