/**
 * Reads every shard of a Kinesis stream, as Firehose's source does: one
 * GetRecords per open shard per poll, shards re-listed now and then (a reshard
 * adds children), expired iterators renewed after the last sequence number read.
 */
import {
  GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type ShardIteratorType,
} from '@aws-sdk/client-kinesis';

export interface StreamRecord {
  readonly data: Uint8Array;
  /** ApproximateArrivalTimestamp, UTC ms. */
  readonly arrival: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

export interface RecordSource {
  /** Records that arrived since the last poll (possibly none). */
  poll(): Promise<readonly StreamRecord[]>;
  /** True when the last poll found nothing and no shard was behind. */
  readonly caughtUp: boolean;
}

interface ShardState {
  iterator: string | undefined;
  lastSequence: string | undefined;
  closed: boolean;
}

export interface KinesisSourceProps {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Where a shard is first read. @default 'TRIM_HORIZON' (everything the stream holds) */
  readonly startAt?: Extract<ShardIteratorType, 'TRIM_HORIZON' | 'LATEST'>;
  /** Records per GetRecords call. @default 10,000 (the service maximum) */
  readonly limit?: number;
}

export class KinesisSource implements RecordSource {
  private readonly shards = new Map<string, ShardState>();
  private polls = 0;
  caughtUp = false;

  constructor(private readonly props: KinesisSourceProps) {}

  async poll(): Promise<readonly StreamRecord[]> {
    if (this.polls % 20 === 0) await this.listShards();
    this.polls += 1;
    const out: StreamRecord[] = [];
    let behind = false;
    for (const [shardId, shard] of this.shards) {
      if (shard.closed) continue;
      if (shard.iterator === undefined) shard.iterator = await this.iterator(shardId, shard);
      let response;
      try {
        response = await this.props.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.props.limit ?? 10_000 }));
      } catch (error) {
        if ((error as Error).name !== 'ExpiredIteratorException') throw error;
        shard.iterator = undefined;
        behind = true;
        continue;
      }
      for (const r of response.Records ?? []) {
        out.push({
          data: r.Data ?? new Uint8Array(),
          arrival: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
          shardId,
          sequenceNumber: r.SequenceNumber ?? '',
        });
        shard.lastSequence = r.SequenceNumber;
      }
      if ((response.MillisBehindLatest ?? 0) > 0) behind = true;
      shard.iterator = response.NextShardIterator;
      if (shard.iterator === undefined) shard.closed = true;
    }
    this.caughtUp = out.length === 0 && !behind;
    return out;
  }

  private async listShards(): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.props.client.send(new ListShardsCommand(token === undefined ? { StreamName: this.props.streamName } : { NextToken: token }));
      for (const shard of page.Shards ?? []) {
        if (shard.ShardId !== undefined && !this.shards.has(shard.ShardId)) {
          this.shards.set(shard.ShardId, { iterator: undefined, lastSequence: undefined, closed: false });
        }
      }
      token = page.NextToken;
    } while (token !== undefined);
  }

  private async iterator(shardId: string, shard: ShardState): Promise<string | undefined> {
    const response = await this.props.client.send(new GetShardIteratorCommand({
      StreamName: this.props.streamName,
      ShardId: shardId,
      ...(shard.lastSequence === undefined
        ? { ShardIteratorType: this.props.startAt ?? 'TRIM_HORIZON' }
        : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: shard.lastSequence }),
    }));
    return response.ShardIterator;
  }
}
