import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type GeneratedDataset } from '../../../tools/generator/index';
import { replayFiles, type ReplaySummary } from '../../../tools/replay/index';
import { KinesisSource, type StreamRecord } from '../../../tools/stream/kinesis-source';
import { startLocalKinesis, type LocalKinesis } from '../../../tools/stream/local-kinesis';
import { readEventLines } from '../generator/read-dataset';

let dir: string;
let kinesis: LocalKinesis;
let dataset: GeneratedDataset;
let summary: ReplaySummary;
let received: StreamRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replay-kinesalite-'));
  kinesis = await startLocalKinesis();
  await kinesis.createStream('events', 3);
  dataset = await generateDataset(dir, { seed: 3, users: 25, days: 2, eventsPerFile: 1000, badLineRate: 0.03, duplicateRate: 0.03 });
  summary = await replayFiles({ client: kinesis.client, streamName: 'events', files: dataset.eventFiles });
  const source = new KinesisSource({ client: kinesis.client, streamName: 'events' });
  received = [];
  for (let poll = 0; poll < 1000 && received.length < summary.sent; poll += 1) received.push(...(await source.poll()));
  received.push(...(await source.poll()));
});

afterAll(async () => {
  await kinesis.close();
  await rm(dir, { recursive: true, force: true });
});

describe('replayFiles into kinesalite', () => {
  it('sends every line and fails none', () => {
    expect(summary).toMatchObject({ lines: dataset.eventLines, sent: dataset.eventLines, failed: 0, oversize: 0 });
  });

  it('delivers every line exactly once, as it was written', async () => {
    const written = (await readEventLines(dataset.eventFiles)).map((l) => l.line).sort();
    const read = received.map((r) => Buffer.from(r.data).toString('utf8')).sort();
    expect(read).toEqual(written);
  });

  it('spreads records over the shards and keeps each session on one shard, in order', async () => {
    expect(new Set(received.map((r) => r.shardId)).size).toBe(3);
    const input = (await readEventLines(dataset.eventFiles)).map((l) => l.line);
    const sessionOf = (line: string): string | undefined => {
      try {
        return (JSON.parse(line) as { session_id?: string }).session_id;
      } catch {
        return undefined;
      }
    };
    const expected = new Map<string, string[]>();
    for (const line of input) {
      const s = sessionOf(line);
      if (typeof s === 'string' && s !== '') expected.set(s, [...(expected.get(s) ?? []), line]);
    }
    const actual = new Map<string, { shards: Set<string>; lines: string[] }>();
    for (const r of received) {
      const line = Buffer.from(r.data).toString('utf8');
      const s = sessionOf(line);
      if (typeof s !== 'string' || s === '') continue;
      const entry = actual.get(s) ?? { shards: new Set(), lines: [] };
      entry.shards.add(r.shardId);
      entry.lines.push(line);
      actual.set(s, entry);
    }
    for (const [session, lines] of expected) {
      expect(actual.get(session)?.shards.size, session).toBe(1);
      expect(actual.get(session)?.lines, session).toEqual(lines);
    }
  });
});
