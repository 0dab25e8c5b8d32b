import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratorOptions } from '../../../tools/generator/index';
import { runLocalStream, type BronzeFile, type LocalStreamResult } from '../../../tools/stream/index';
import { readEventLines, readLines } from '../generator/read-dataset';

const generator: GeneratorOptions = { seed: 11, users: 20, days: 2, eventsPerFile: 800, badLineRate: 0.02, duplicateRate: 0.02 };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-stream-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function bronzeEventLines(files: readonly BronzeFile[]): Promise<string[]> {
  return (await readEventLines(files.filter((f) => f.kind === 'events').map((f) => f.path))).map((l) => l.line);
}

describe.each(['dir', 's3rver'] as const)('runLocalStream with a %s bronze store', (bronze) => {
  let result: LocalStreamResult;
  let loaded: BronzeFile[] | undefined;

  beforeAll(async () => {
    result = await runLocalStream({
      workDir: join(root, bronze),
      generator,
      bronze,
      shards: 2,
      bufferSizeBytes: 64 * 1024,
      load: async (files) => {
        loaded = [...files];
      },
    });
  });

  it('hands the warehouse the reference feeds first, then the event objects in name order', () => {
    expect(loaded).toEqual(result.bronzeFiles);
    expect(loaded!.map((f) => f.kind).slice(0, 2)).toEqual(['catalog', 'users']);
    const events = loaded!.filter((f) => f.kind === 'events');
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((f) => /events[/\\]dt=\d{4}-\d{2}-\d{2}[/\\][^/\\]+\.gz$/.test(f.path))).toBe(true);
    expect([...events.map((f) => f.path)].sort()).toEqual(events.map((f) => f.path));
  });

  it('lands every generated line in bronze exactly once, bad lines included', async () => {
    const input = (await readEventLines(result.dataset.eventFiles)).map((l) => l.line).sort();
    expect((await bronzeEventLines(result.bronzeFiles)).sort()).toEqual(input);
    expect(result.replay).toMatchObject({ sent: input.length, failed: 0 });
    expect(result.delivery.records).toBe(input.length);
  });

  it('copies the reference feeds unchanged', async () => {
    const catalog = result.bronzeFiles.find((f) => f.kind === 'catalog')!;
    expect(await readLines(catalog.path)).toEqual(await readLines(result.dataset.catalogFile));
    const users = result.bronzeFiles.find((f) => f.kind === 'users')!;
    expect(await readFile(users.path, 'utf8')).toBe(await readFile(result.dataset.usersFile, 'utf8'));
  });
});
