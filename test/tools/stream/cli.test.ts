import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('npm run local:stream', () => {
  it('ends with one line and exit status 1 when the bronze store fails while the replay is still sending', async () => {
    const root = mkdtempSync(join(tmpdir(), 'local-stream-cli-'));
    roots.push(root);
    const work = join(root, 'work');
    // a slow replay (~6 s) and a short buffer interval: the first delivery comes well before the replay ends
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/stream/cli.ts', '--work', work, '--users', '5', '--days', '1', '--events', '600', '--rate', '100', '--buffer-ms', '200', '--no-progress'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Once the reference feeds are in bronze, the event objects' folder is taken by a file:
    // every delivery from then on fails.
    const users = join(work, 'bronze', 'users', 'users.ndjson');
    while (!existsSync(users) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    writeFileSync(join(work, 'bronze', 'events'), 'not a folder');
    const code = await exited;
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ENOTDIR: not a directory, mkdir '.*bronze\/events\/dt=/)]);
  }, 60_000);
});
