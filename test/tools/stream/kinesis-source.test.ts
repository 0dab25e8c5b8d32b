import {
  GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { KinesisSource } from '../../../tools/stream/kinesis-source';

const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const kinesis = mockClient(client);
const record = (seq: string, text: string) => ({ SequenceNumber: seq, Data: Buffer.from(text), PartitionKey: 'k', ApproximateArrivalTimestamp: new Date('2026-11-21T10:00:00Z') });

beforeEach(() => {
  kinesis.reset();
  kinesis.on(ListShardsCommand).resolves({ Shards: [{ ShardId: 'shard-a', HashKeyRange: undefined, SequenceNumberRange: undefined }] });
});

describe('KinesisSource', () => {
  it('starts every shard at the trim horizon and follows the iterators', async () => {
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-0' });
    kinesis.on(GetRecordsCommand, { ShardIterator: 'it-0' }).resolves({ Records: [record('1', 'a')], NextShardIterator: 'it-1', MillisBehindLatest: 0 });
    kinesis.on(GetRecordsCommand, { ShardIterator: 'it-1' }).resolves({ Records: [], NextShardIterator: 'it-1', MillisBehindLatest: 0 });
    const source = new KinesisSource({ client, streamName: 'events' });
    const first = await source.poll();
    expect(first.map((r) => Buffer.from(r.data).toString())).toEqual(['a']);
    expect(first[0]!.arrival).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(source.caughtUp).toBe(false);
    expect(await source.poll()).toEqual([]);
    expect(source.caughtUp).toBe(true);
    expect(kinesis).toHaveReceivedCommandWith(GetShardIteratorCommand, { ShardId: 'shard-a', ShardIteratorType: 'TRIM_HORIZON' });
  });

  it('renews an expired iterator after the last record read', async () => {
    kinesis.on(GetShardIteratorCommand, { ShardIteratorType: 'TRIM_HORIZON' }).resolves({ ShardIterator: 'it-0' });
    kinesis.on(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }).resolves({ ShardIterator: 'it-fresh' });
    kinesis.on(GetRecordsCommand, { ShardIterator: 'it-0' }).resolves({ Records: [record('7', 'a')], NextShardIterator: 'it-1' });
    kinesis.on(GetRecordsCommand, { ShardIterator: 'it-1' }).rejects(Object.assign(new Error('expired'), { name: 'ExpiredIteratorException' }));
    kinesis.on(GetRecordsCommand, { ShardIterator: 'it-fresh' }).resolves({ Records: [record('8', 'b')], NextShardIterator: 'it-2' });
    const source = new KinesisSource({ client, streamName: 'events' });
    const texts: string[] = [];
    for (let i = 0; i < 3; i += 1) texts.push(...(await source.poll()).map((r) => Buffer.from(r.data).toString()));
    expect(texts).toEqual(['a', 'b']);
    expect(kinesis).toHaveReceivedCommandWith(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '7' });
  });

  it('stops reading a closed shard', async () => {
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-0' });
    kinesis.on(GetRecordsCommand).resolves({ Records: [record('1', 'last')] });
    const source = new KinesisSource({ client, streamName: 'events' });
    await source.poll();
    await source.poll();
    expect(kinesis).toHaveReceivedCommandTimes(GetRecordsCommand, 1);
  });
});
