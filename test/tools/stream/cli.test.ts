import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Linux's PATH_MAX, counting the terminating NUL: a path of 4,096 bytes or more is refused. */
const PATH_MAX = 4096;

/**
 * A work directory whose path is `length` bytes long, made of nested folders (a name
 * may not pass 255 bytes), so that the paths a run writes under it are just short
 * enough, or just too long.
 */
function workDirOfLength(root: string, length: number): string {
  let dir = root;
  while (length - dir.length > 201) dir = join(dir, 'd'.repeat(200));
  dir = join(dir, 'w'.repeat(length - dir.length - 1));
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('npm run local:stream', () => {
  it('stops the replay and ends with one error line, exit status 1, when the bronze store fails during the replay', async () => {
    const root = mkdtempSync(join(tmpdir(), 'local-stream-cli-'));
    roots.push(root);
    // Under it, the inputs (`/input/events/events-0001.ndjson`), the reference feeds
    // (`/bronze/catalog/catalog.ndjson.partial`) and the day's folder of the event objects
    // (`/bronze/events/dt=YYYY-MM-DD`) fit; the event objects
    // (`…/streamflix-events-<time>-<seq>-<run>.gz.partial`, 60 bytes more) do not: every
    // delivery fails, from the first one on, and nothing else does.
    const work = workDirOfLength(root, PATH_MAX - 60);
    // a slow replay (600 records at 100/s: ~6 s) and a short buffer interval: the first
    // delivery comes about 0.2 s after the first records, well before the replay ends
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/stream/cli.ts', '--work', work, '--users', '5', '--days', '1', '--events', '600', '--rate', '100', '--buffer-ms', '200'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const lines = stderr.trim().split('\n');
      expect(code).toBe(1);
      expect(lines.at(-1)).toMatch(/^ENAMETOOLONG: name too long, open '.*\/bronze\/events\/dt=[\d-]+\/streamflix-events-.*\.gz\.partial'$/);
      // the replay was stopped, not run to its end: its progress line says so
      expect(lines.filter((l) => l.startsWith('replay')).at(-1)).toMatch(/ sent, stopped$/);
      expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    } finally {
      child.kill();
    }
  }, 60_000);
});
