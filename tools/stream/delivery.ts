/**
 * A local stand-in for Firehose's delivery to S3: reads every shard, buffers by
 * size and by time, ends each record with a newline (NDJSON), and writes one GZIP
 * object per flush under `events/dt=YYYY-MM-DD/` — the UTC arrival date of the
 * buffer's oldest record, as Firehose's `!{timestamp:yyyy-MM-dd}` prefix does.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { BronzeSink } from './bronze-sink';
import type { RecordSource, StreamRecord } from './kinesis-source';

export interface DeliveryProps {
  readonly source: RecordSource;
  readonly sink: BronzeSink;
  /** Key prefix of the event objects. @default 'events/' */
  readonly prefix?: string;
  /** First part of each object's name. @default 'streamflix-events' */
  readonly objectName?: string;
  /** Flush when this many uncompressed bytes are buffered. @default 5 MiB (Firehose's default) */
  readonly bufferSizeBytes?: number;
  /** Flush when the oldest buffered record is this old. @default 60,000 ms (Firehose's minimum) */
  readonly bufferIntervalMs?: number;
  /** Wait between polls that found nothing. @default 200 ms */
  readonly idlePollMs?: number;
  /** The clock for buffer ages and object names; injectable for tests. @default Date.now */
  readonly now?: () => number;
}

export interface DeliveryStats {
  readonly records: number;
  readonly objects: number;
  readonly bytes: number;
}

const NEWLINE = Buffer.from('\n');

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[T:]/g, '-');
}

export class DeliveryWorker {
  readonly keys: string[] = [];
  /** Records taken from the source, not yet buffered (from `queued` on). */
  private queue: StreamRecord[] = [];
  private queued = 0;
  private buffer: Buffer[] = [];
  private bufferBytes = 0;
  private oldestArrival = 0;
  private bufferedAt = 0;
  private records = 0;
  private bytes = 0;
  private sequence = 0;
  /** Keeps names unique between runs writing to the same bronze store. */
  private readonly runId = randomBytes(4).toString('hex');
  private readonly now: () => number;

  constructor(private readonly props: DeliveryProps) {
    this.now = props.now ?? Date.now;
  }

  get stats(): DeliveryStats {
    return { records: this.records, objects: this.keys.length, bytes: this.bytes };
  }

  /**
   * Buffers records; writes an object whenever the size threshold is reached. The
   * records are queued first: when a write fails, those not yet buffered stay queued
   * (the source has moved past them) and go out with the next add or flush.
   */
  async add(records: readonly StreamRecord[]): Promise<void> {
    for (const record of records) this.queue.push(record);
    await this.bufferQueue();
  }

  private async bufferQueue(): Promise<void> {
    while (this.queued < this.queue.length) {
      const record = this.queue[this.queued]!;
      this.queued += 1;
      if (this.buffer.length === 0) {
        this.oldestArrival = record.arrival;
        this.bufferedAt = this.now();
      } else {
        // a poll reads shard after shard: a later record can have arrived earlier
        this.oldestArrival = Math.min(this.oldestArrival, record.arrival);
      }
      const data = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
      this.buffer.push(data, NEWLINE);
      this.bufferBytes += data.byteLength + 1;
      this.records += 1;
      if (this.bufferBytes >= (this.props.bufferSizeBytes ?? 5 * 1024 * 1024)) await this.write();
    }
    this.queue = [];
    this.queued = 0;
  }

  /** Writes the buffer if its oldest record has waited the buffer interval. */
  async tick(): Promise<void> {
    if (this.buffer.length > 0 && this.now() - this.bufferedAt >= (this.props.bufferIntervalMs ?? 60_000)) await this.write();
  }

  /** Writes whatever is buffered or queued (one object, more if it is over the size). */
  async flush(): Promise<void> {
    await this.bufferQueue();
    await this.write();
  }

  /** Writes the buffer as one object. */
  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    const body = gzipSync(Buffer.concat(this.buffer, this.bufferBytes));
    const date = new Date(this.oldestArrival).toISOString().slice(0, 10);
    this.sequence += 1;
    const key = `${this.props.prefix ?? 'events/'}dt=${date}/${this.props.objectName ?? 'streamflix-events'}-${stamp(this.now())}-${String(this.sequence).padStart(6, '0')}-${this.runId}.gz`;
    // The buffer is dropped only once the object is stored: a failed put loses nothing.
    await this.props.sink.put(key, body);
    this.buffer = [];
    this.bufferBytes = 0;
    this.keys.push(key);
    this.bytes += body.byteLength;
  }

  /** One poll of the source; returns the number of records it brought. */
  async pollOnce(): Promise<number> {
    const records = await this.props.source.poll();
    await this.add(records);
    await this.tick();
    return records.length;
  }

  /** Polls until `signal` aborts, then flushes. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const got = await this.pollOnce();
      if (got === 0) await new Promise((resolve) => setTimeout(resolve, this.props.idlePollMs ?? 200));
    }
    await this.flush();
  }

  /**
   * Polls until `expected` records have been delivered into the buffer (or, with no
   * expectation, until the source is caught up), then flushes.
   */
  async drain(expected?: number, maxIdlePolls = 50): Promise<void> {
    let idle = 0;
    while (expected === undefined ? !this.props.source.caughtUp || idle === 0 : this.records < expected) {
      const got = await this.pollOnce();
      idle = got === 0 ? idle + 1 : 0;
      if (idle > maxIdlePolls) throw new Error(`delivery: ${this.records} of ${expected ?? '?'} records arrived; the stream went quiet`);
      if (got === 0) await new Promise((resolve) => setTimeout(resolve, this.props.idlePollMs ?? 200));
    }
    await this.flush();
  }
}
