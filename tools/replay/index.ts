/**
 * Replays NDJSON lines onto a Kinesis stream as the apps would put them: every
 * non-blank line as it is (bad ones included, so the warehouse's quarantine is
 * exercised), keyed by session so a session keeps its shard and order.
 */
import { stat } from 'node:fs/promises';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { isBlankLine } from '../shared/blank-line';
import { progressBar } from '../shared/progress';
import { readSourceLines, type ReadCounter, type SourceLine } from '../shared/read-lines';
import { MAX_RECORD_BYTES, RecordBatcher, recordBytes, type OutRecord } from './batcher';
import { partitionKey } from './partition-key';
import { defaultSleep, putRecordsWithRetry, type RetryPolicy } from './sender';

export { MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES } from './batcher';
export { partitionKey } from './partition-key';
export type { RetryPolicy } from './sender';

export interface ReplayProps extends RetryPolicy {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly files: readonly string[];
  /** Records per second at most. @default unlimited */
  readonly ratePerSecond?: number;
  /** Draw a progress bar on stderr. @default false */
  readonly progress?: boolean;
  /** Told about every record skipped for its size. @default a line on stderr */
  readonly onOversize?: (line: SourceLine, bytes: number) => void;
  /** The clock the rate limit paces against; injectable with `sleep`. @default Date.now */
  readonly now?: () => number;
  /** Records per request at most (tests use small values). @default 500 */
  readonly maxRecordsPerRequest?: number;
  /** Bytes per request at most. @default 5 MiB */
  readonly maxRequestBytes?: number;
  /** Stops the replay before its next request, with the signal's reason as the error. @default never stopped */
  readonly signal?: AbortSignal;
}

export interface ReplaySummary {
  /** Non-blank lines read. */
  readonly lines: number;
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
  /** Lines over the 1 MiB record limit, reported and not sent. */
  readonly oversize: number;
  /** Blank lines, skipped (the warehouse skips them too). */
  readonly blank: number;
  readonly requests: number;
  readonly seconds: number;
}

export async function replayFiles(props: ReplayProps): Promise<ReplaySummary> {
  const now = props.now ?? Date.now;
  const started = now();
  const sleep = props.sleep ?? defaultSleep;
  const rate = props.ratePerSecond;
  if (rate !== undefined && !(rate > 0)) throw new Error(`replay: --rate must be > 0 records per second, got ${rate}`);
  // A batch never holds more than a second's worth of the rate, so the limit stays smooth.
  const perRequest = Math.max(1, Math.min(props.maxRecordsPerRequest ?? 500, rate === undefined ? 500 : Math.floor(rate)));
  const batcher = new RecordBatcher(perRequest, props.maxRequestBytes);
  let totalBytes = 0;
  for (const file of props.files) totalBytes += (await stat(file)).size;
  const counter: ReadCounter = { bytes: 0 };
  const progress = progressBar(props.progress ?? false, { label: 'replay', total: totalBytes, unit: 'bytes' });
  const onOversize = props.onOversize ?? ((line: SourceLine, bytes: number) => {
    process.stderr.write(`replay: skipped ${line.file}:${line.lineNo}: ${bytes} bytes is over the Kinesis record limit of ${MAX_RECORD_BYTES} bytes\n`);
  });

  let lines = 0;
  let blank = 0;
  let oversize = 0;
  let sent = 0;
  let retried = 0;
  let failed = 0;
  let requests = 0;
  let submitted = 0;
  const send = async (batch: readonly OutRecord[]): Promise<void> => {
    if (batch.length === 0) return;
    if (rate !== undefined) {
      const due = started + (submitted / rate) * 1000;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    // checked last, after any wait for the rate: an abort during the wait stops it too
    props.signal?.throwIfAborted();
    submitted += batch.length;
    requests += 1;
    const outcome = await putRecordsWithRetry(props.client, props.streamName, batch, props);
    sent += outcome.sent;
    retried += outcome.retried;
    failed += outcome.failed;
    for (const f of outcome.failures.slice(0, 5)) process.stderr.write(`replay: gave up on ${f.source}: ${f.error}\n`);
    progress.update(counter.bytes, `${sent} sent`);
  };

  try {
    for await (const line of readSourceLines(props.files, counter)) {
      if (isBlankLine(line.text)) {
        blank += 1;
        continue;
      }
      lines += 1;
      const record: OutRecord = { data: Buffer.from(line.text, 'utf8'), partitionKey: partitionKey(line.text), source: `${line.file}:${line.lineNo}` };
      const bytes = recordBytes(record);
      if (bytes > MAX_RECORD_BYTES) {
        oversize += 1;
        onOversize(line, bytes);
        continue;
      }
      const full = batcher.add(record);
      if (full) await send(full);
    }
    await send(batcher.take());
  } catch (error) {
    // the bar's line is ended, so the caller's one-line error starts on a line of its own
    progress.finish(`${sent} sent, stopped`);
    throw error;
  }
  progress.finish(`${sent} sent`);
  return { lines, sent, retried, failed, oversize, blank, requests, seconds: (now() - started) / 1000 };
}

export interface KinesisClientProps {
  /** @default the SDK's chain (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** A named profile from ~/.aws/config and credentials. @default the SDK's default chain */
  readonly profile?: string;
  /** Another endpoint, e.g. kinesalite's `http://127.0.0.1:4567`. @default the regional AWS endpoint */
  readonly endpoint?: string;
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/**
 * A Kinesis client on the standard credential chain and region. `profile` uses
 * `fromIni` when @aws-sdk/credential-providers is installed, otherwise it sets
 * AWS_PROFILE, which the SDK's default chain honours, before the client exists.
 */
export async function createKinesisClient(props: KinesisClientProps = {}): Promise<KinesisClient> {
  let credentials: unknown;
  if (props.profile !== undefined) {
    const moduleName = '@aws-sdk/credential-providers';
    try {
      const providers = (await import(moduleName)) as { fromIni: (o: { profile: string }) => unknown };
      credentials = providers.fromIni({ profile: props.profile });
    } catch {
      process.env.AWS_PROFILE = props.profile;
    }
  }
  const local = props.endpoint !== undefined && isLoopback(props.endpoint);
  if (credentials === undefined && local && process.env.AWS_ACCESS_KEY_ID === undefined && props.profile === undefined) {
    // kinesalite accepts any signature; the SDK still needs something to sign with.
    credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const region = props.region ?? (local ? (process.env.AWS_REGION ?? 'us-east-1') : undefined);
  return new KinesisClient({
    ...(region === undefined ? {} : { region }),
    ...(props.endpoint === undefined ? {} : { endpoint: props.endpoint, requestHandler: new NodeHttpHandler() }),
    ...(credentials === undefined ? {} : { credentials: credentials as KinesisClient['config']['credentials'] }),
  });
}
