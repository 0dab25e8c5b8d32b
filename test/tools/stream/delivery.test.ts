import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DirectorySink } from '../../../tools/stream/bronze-sink';
import { DeliveryWorker } from '../../../tools/stream/delivery';
import type { RecordSource, StreamRecord } from '../../../tools/stream/kinesis-source';

const roots: string[] = [];
let sink: DirectorySink;
let clock: number;

/** A source handing out prepared polls, one per call. */
function source(polls: StreamRecord[][]): RecordSource {
  return {
    caughtUp: false,
    poll: async () => polls.shift() ?? [],
  };
}

function record(text: string, arrival = Date.parse('2026-11-21T10:00:00Z')): StreamRecord {
  return { data: Buffer.from(text), arrival, shardId: 'shardId-0', sequenceNumber: '1' };
}

async function objectText(key: string): Promise<string> {
  return gunzipSync(await readFile(sink.path(key))).toString('utf8');
}

beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'delivery-'));
  roots.push(root);
  sink = new DirectorySink(root);
  clock = 0;
});

afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('DeliveryWorker', () => {
  it('writes newline-terminated GZIP objects under events/dt=YYYY-MM-DD/', async () => {
    const worker = new DeliveryWorker({ source: source([[record('{"a":1}'), record('not json')]]), sink, now: () => clock });
    await worker.pollOnce();
    await worker.flush();
    expect(worker.keys).toHaveLength(1);
    expect(worker.keys[0]).toMatch(/^events\/dt=2026-11-21\/streamflix-events-[\d-]+-000001-[0-9a-f]{8}\.gz$/);
    expect(await objectText(worker.keys[0]!)).toBe('{"a":1}\nnot json\n');
    expect(await sink.list('events/')).toEqual(worker.keys);
  });

  it('dates an object by the arrival of its oldest record (UTC)', async () => {
    const late = record('x', Date.parse('2026-11-21T23:59:59Z'));
    const next = record('y', Date.parse('2026-11-22T00:00:01Z'));
    const worker = new DeliveryWorker({ source: source([[late, next]]), sink, now: () => clock });
    await worker.pollOnce();
    await worker.flush();
    expect(worker.keys[0]).toMatch(/^events\/dt=2026-11-21\//);
  });

  it('dates an object by its oldest record even when a later shard brought it', async () => {
    const first = { ...record('x', Date.parse('2026-09-02T00:00:01Z')), shardId: 'shardId-0' };
    const older = { ...record('y', Date.parse('2026-09-01T23:59:50Z')), shardId: 'shardId-1' };
    const worker = new DeliveryWorker({ source: source([[first, older]]), sink, now: () => clock });
    await worker.pollOnce();
    await worker.flush();
    expect(worker.keys[0]).toMatch(/^events\/dt=2026-09-01\//);
  });

  it('flushes when the buffer reaches its size', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => record(`record-${String(i).padStart(2, '0')}`)); // 9 bytes + newline each
    const worker = new DeliveryWorker({ source: source([ten]), sink, bufferSizeBytes: 30, now: () => clock });
    await worker.pollOnce();
    expect(worker.keys).toHaveLength(3);
    expect(await objectText(worker.keys[0]!)).toBe('record-00\nrecord-01\nrecord-02\n');
    await worker.flush();
    expect(worker.keys).toHaveLength(4);
    expect(await objectText(worker.keys[3]!)).toBe('record-09\n');
  });

  it('flushes when the oldest buffered record has waited the buffer interval', async () => {
    const worker = new DeliveryWorker({ source: source([[record('a')], [record('b')], [], []]), sink, bufferIntervalMs: 1000, now: () => clock });
    await worker.pollOnce();
    clock = 600;
    await worker.pollOnce();
    expect(worker.keys).toHaveLength(0);
    clock = 999;
    await worker.pollOnce();
    expect(worker.keys).toHaveLength(0);
    clock = 1000;
    await worker.pollOnce();
    expect(worker.keys).toHaveLength(1);
    expect(await objectText(worker.keys[0]!)).toBe('a\nb\n');
  });

  it('names objects so that name order is delivery order', async () => {
    const worker = new DeliveryWorker({ source: source([Array.from({ length: 12 }, (_, i) => record(`r${i}`))]), sink, bufferSizeBytes: 3, now: () => clock });
    await worker.pollOnce();
    expect(worker.keys).toHaveLength(12);
    expect([...worker.keys].sort()).toEqual(worker.keys);
  });

  it('keeps the buffer when the store fails, and writes it on the next flush', async () => {
    let fail = true;
    const flaky = {
      description: 'flaky',
      list: (prefix: string) => sink.list(prefix),
      put: async (key: string, body: Uint8Array) => {
        if (fail) throw new Error('store unavailable');
        await sink.put(key, body);
      },
    };
    const worker = new DeliveryWorker({ source: source([[record('a'), record('b')]]), sink: flaky, now: () => clock });
    await worker.pollOnce();
    await expect(worker.flush()).rejects.toThrow(/unavailable/);
    fail = false;
    await worker.flush();
    expect(worker.keys).toHaveLength(1);
    expect(await objectText(worker.keys[0]!)).toBe('a\nb\n');
  });

  it('keeps the rest of a poll when the store fails in its middle, and writes it on the next flush', async () => {
    let puts = 0;
    const failsOnce = {
      description: 'fails on its second put',
      list: (prefix: string) => sink.list(prefix),
      put: async (key: string, body: Uint8Array) => {
        puts += 1;
        if (puts === 2) throw new Error('store unavailable');
        await sink.put(key, body);
      },
    };
    const ten = Array.from({ length: 10 }, (_, i) => record(`record-${String(i).padStart(2, '0')}`)); // 10 bytes each with its newline
    const worker = new DeliveryWorker({ source: source([ten]), sink: failsOnce, bufferSizeBytes: 30, now: () => clock });
    await expect(worker.pollOnce()).rejects.toThrow(/unavailable/);
    await worker.flush();
    const delivered = (await Promise.all(worker.keys.map(objectText))).join('');
    expect(delivered).toBe(ten.map((r) => `${Buffer.from(r.data).toString()}\n`).join(''));
    expect(worker.stats.records).toBe(10);
  });

  it('counts what it delivered', async () => {
    const worker = new DeliveryWorker({ source: source([[record('abc'), record('de')]]), sink, now: () => clock });
    await worker.drain(2);
    expect(worker.stats).toMatchObject({ records: 2, objects: 1 });
  });
});
