import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, replayFiles } from '../../../tools/replay/index';

const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const kinesis = mockClient(client);
let dir: string;
let sleeps: number[];
const sleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};

/** Accepts every entry of every request. */
function acceptAll(): void {
  kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
  }));
}

function requests(): PutRecordsCommandInput[] {
  return kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input);
}

async function file(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

const event = (i: number): string => JSON.stringify({ event_id: `e-${i}`, event_type: 'heartbeat', session_id: `s-${i % 7}` });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replay-mock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  kinesis.reset();
  sleeps = [];
});

describe('replayFiles with a mocked Kinesis', () => {
  it('retries only the entries that failed', async () => {
    const path = await file('five.ndjson', [0, 1, 2, 3, 4].map(event));
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
          { SequenceNumber: '2', ShardId: 's' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
          { SequenceNumber: '3', ShardId: 's' },
        ],
      })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '4', ShardId: 's' }, { SequenceNumber: '5', ShardId: 's' }] });
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep });
    expect(summary).toMatchObject({ sent: 5, retried: 2, failed: 0 });
    const second = requests()[1]!;
    expect(second.Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual([event(1), event(3)]);
    expect(second.Records!.map((r) => r.PartitionKey)).toEqual(['s-1', 's-3']);
  });

  it('backs off exponentially with jitter, then reports the entries that never land', async () => {
    const path = await file('one.ndjson', [event(1)]);
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'ProvisionedThroughputExceededException' }] });
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep, maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.5 });
    expect(summary).toMatchObject({ sent: 0, retried: 4, failed: 1 });
    expect(sleeps).toEqual([50, 100, 150, 150]);
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 5);
  });

  it('retries a throttled request as a whole', async () => {
    const path = await file('two.ndjson', [event(1), event(2)]);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    kinesis.on(PutRecordsCommand).rejectsOnce(throttled).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1' }, { SequenceNumber: '2' }] });
    expect(await replayFiles({ client, streamName: 'events', files: [path], sleep })).toMatchObject({ sent: 2, retried: 2, failed: 0 });
  });

  it('retries a refused connection, then names its code for the records it gave up on', async () => {
    const path = await file('refused.ndjson', [event(1)]);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    kinesis.on(PutRecordsCommand).rejects(refused);
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await replayFiles({ client, streamName: 'events', files: [path], sleep, maxAttempts: 3 })).toMatchObject({ sent: 0, retried: 2, failed: 1 });
    } finally {
      process.stderr.write = write;
    }
    expect(written.filter((l) => l.startsWith('replay: gave up on'))).toEqual([
      `replay: gave up on ${path}:1: Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9\n`,
    ]);
  });

  it('stops with the error when the stream cannot be used at all', async () => {
    const path = await file('three.ndjson', [event(1)]);
    kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('Stream events not found'), { name: 'ResourceNotFoundException' }));
    await expect(replayFiles({ client, streamName: 'events', files: [path], sleep })).rejects.toThrow(/not found/);
  });

  it('sends at most 500 records per request', async () => {
    acceptAll();
    const path = await file('many.ndjson', Array.from({ length: 1234 }, (_, i) => event(i)));
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep });
    expect(summary).toMatchObject({ lines: 1234, sent: 1234, requests: 3 });
    expect(requests().map((r) => r.Records!.length)).toEqual([500, 500, 234]);
  });

  it('keeps every request within 5 MiB', async () => {
    acceptAll();
    const big = (i: number): string => JSON.stringify({ event_id: `e-${i}`, session_id: 's', pad: 'x'.repeat(700_000) });
    const path = await file('big.ndjson', Array.from({ length: 20 }, (_, i) => big(i)));
    await replayFiles({ client, streamName: 'events', files: [path], sleep });
    const sizes = requests().map((r) => r.Records!.reduce((n, rec) => n + rec.Data!.byteLength + Buffer.byteLength(rec.PartitionKey!), 0));
    expect(sizes.every((s) => s <= MAX_REQUEST_BYTES)).toBe(true);
    expect(requests().flatMap((r) => r.Records!).length).toBe(20);
    expect(sizes.length).toBeGreaterThan(2);
  });

  it('skips and reports a line over the 1 MiB record limit', async () => {
    acceptAll();
    const huge = JSON.stringify({ event_id: 'huge', pad: 'x'.repeat(1024 * 1024) });
    const path = await file('huge.ndjson', [event(1), huge, event(2)]);
    const reported: string[] = [];
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep, onOversize: (line, bytes) => reported.push(`${line.lineNo}:${bytes > 1024 * 1024}`) });
    expect(summary).toMatchObject({ lines: 3, sent: 2, oversize: 1 });
    expect(reported).toEqual(['2:true']);
    expect(requests().flatMap((r) => r.Records!).map((r) => r.PartitionKey)).toEqual(['s-1', 's-2']);
  });

  it('skips blank lines and sends the others as they are, bad ones included', async () => {
    acceptAll();
    const path = await file('mixed.ndjson', [event(1), '   ', '{"event_id":"a9"', 'not json']);
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep });
    expect(summary).toMatchObject({ lines: 3, sent: 3, blank: 1 });
    expect(requests()[0]!.Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual([event(1), '{"event_id":"a9"', 'not json']);
  });

  it('sends a line of non-ASCII spaces, which the warehouse quarantines rather than skips', async () => {
    acceptAll();
    const path = await file('spaces.ndjson', ['\t \r', '\u00a0', '\u2003']);
    const summary = await replayFiles({ client, streamName: 'events', files: [path], sleep });
    expect(summary).toMatchObject({ lines: 2, sent: 2, blank: 1 });
  });

  it('paces requests to the rate, never more than a second of records at once', async () => {
    acceptAll();
    const path = await file('paced.ndjson', Array.from({ length: 350 }, (_, i) => event(i)));
    let clock = 0;
    const fakeSleep = async (ms: number): Promise<void> => {
      sleeps.push(ms);
      clock += ms;
    };
    await replayFiles({ client, streamName: 'events', files: [path], sleep: fakeSleep, now: () => clock, ratePerSecond: 100 });
    expect(requests().map((r) => r.Records!.length)).toEqual([100, 100, 100, 50]);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('stops before its next request when its signal aborts, with the reason as the error', async () => {
    const path = await file('nine.ndjson', [0, 1, 2, 3, 4, 5, 6, 7, 8].map(event));
    const stop = new AbortController();
    let calls = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      calls += 1;
      if (calls === 2) stop.abort(new Error('delivery failed'));
      return { FailedRecordCount: 0, Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 's' })) };
    });
    await expect(replayFiles({ client, streamName: 's', files: [path], maxRecordsPerRequest: 2, signal: stop.signal, sleep })).rejects.toThrow('delivery failed');
    expect(requests()).toHaveLength(2);
  });
  it('stops when its signal aborts during the wait for the rate, before sending again', async () => {
    acceptAll();
    const path = await file('paced-stop.ndjson', Array.from({ length: 300 }, (_, i) => event(i)));
    const stop = new AbortController();
    let clock = 0;
    const abortingSleep = async (ms: number): Promise<void> => {
      clock += ms;
      stop.abort(new Error('delivery failed'));
    };
    await expect(
      replayFiles({ client, streamName: 'events', files: [path], sleep: abortingSleep, now: () => clock, ratePerSecond: 100, signal: stop.signal }),
    ).rejects.toThrow('delivery failed');
    expect(requests()).toHaveLength(1);
  });
});
