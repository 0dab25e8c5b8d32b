/**
 * The local streaming pipeline: generator → replay → kinesalite → delivery worker
 * → bronze (a directory or s3rver) → the warehouse's local load → the answers.
 * The warehouse step is a function handed in (`LoadBronze`), so this module does
 * not depend on how the local warehouse is built.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDataset, type GeneratedDataset, type GeneratorOptions } from '../generator/index';
import { replayFiles, type ReplaySummary } from '../replay/index';
import { DirectorySink, S3Sink, type BronzeSink } from './bronze-sink';
import { DeliveryWorker, type DeliveryStats } from './delivery';
import { deliverWhile } from './deliver-while';
import { KinesisSource } from './kinesis-source';
import { startLocalKinesis } from './local-kinesis';
import { startLocalS3, type LocalS3 } from './local-s3';

export type FeedKind = 'catalog' | 'users' | 'events';

/** One bronze object, as a local file the warehouse can read (plain or gzip). */
export interface BronzeFile {
  readonly kind: FeedKind;
  readonly path: string;
}

/** Loads bronze files in order (reference feeds with the first events file, then one load per file), as `npm run local` groups them. */
export type LoadBronze = (files: readonly BronzeFile[]) => Promise<void>;

export interface LocalStreamProps {
  /** Working directory: generated input, bronze store, downloads. Emptied first. */
  readonly workDir: string;
  /** The dataset to generate. */
  readonly generator: GeneratorOptions;
  /** The warehouse step; without it the pipeline stops at bronze. @default none */
  readonly load?: LoadBronze;
  /** Shards of the local stream. @default 4 */
  readonly shards?: number;
  /** Bronze store: a directory, or an s3rver bucket. @default 'dir' */
  readonly bronze?: 'dir' | 's3rver';
  /** Delivery buffer size. @default 1 MiB (smaller than Firehose's 5 MiB, so a small run still makes several objects) */
  readonly bufferSizeBytes?: number;
  /** Delivery buffer interval. @default 2,000 ms */
  readonly bufferIntervalMs?: number;
  /** Replay rate limit, records per second. @default unlimited */
  readonly ratePerSecond?: number;
  /** Progress bars on stderr. @default false */
  readonly progress?: boolean;
}

export interface LocalStreamResult {
  readonly dataset: GeneratedDataset;
  readonly replay: ReplaySummary;
  readonly delivery: DeliveryStats;
  /** What was (or would be) loaded, in load order. */
  readonly bronzeFiles: readonly BronzeFile[];
  readonly timings: { readonly generateMs: number; readonly streamMs: number; readonly loadMs: number };
}

const STREAM = 'streamflix-events';

export async function runLocalStream(props: LocalStreamProps): Promise<LocalStreamResult> {
  await rm(props.workDir, { recursive: true, force: true });
  await mkdir(props.workDir, { recursive: true });
  const say = (text: string): void => {
    if (props.progress) process.stderr.write(`${text}\n`);
  };

  let t = Date.now();
  say('local:stream: generating the dataset');
  const dataset = await generateDataset(join(props.workDir, 'input'), { ...props.generator, progress: props.progress ?? false });
  const generateMs = Date.now() - t;

  t = Date.now();
  const kinesis = await startLocalKinesis();
  let s3: LocalS3 | undefined;
  try {
    await kinesis.createStream(STREAM, props.shards ?? 4);
    let sink: BronzeSink;
    if (props.bronze === 's3rver') {
      s3 = await startLocalS3(join(props.workDir, 's3rver'));
      sink = new S3Sink(s3.client, s3.bucket);
    } else {
      sink = new DirectorySink(join(props.workDir, 'bronze'));
    }
    say(`local:stream: kinesalite at ${kinesis.endpoint}, stream ${STREAM}; bronze at ${sink.description}`);

    // The reference feeds land under their own prefixes, as in production.
    await sink.put('catalog/catalog.ndjson', await readFile(dataset.catalogFile));
    await sink.put('users/users.ndjson', await readFile(dataset.usersFile));

    const worker = new DeliveryWorker({
      source: new KinesisSource({ client: kinesis.client, streamName: STREAM }),
      sink,
      bufferSizeBytes: props.bufferSizeBytes ?? 1024 * 1024,
      bufferIntervalMs: props.bufferIntervalMs ?? 2_000,
      idlePollMs: 50,
    });
    // Delivery runs while the replay sends, as Firehose would; a failure of either stops both.
    const replay = await deliverWhile(worker, (signal) =>
      replayFiles({
        client: kinesis.client,
        streamName: STREAM,
        files: dataset.eventFiles,
        progress: props.progress ?? false,
        signal,
        ...(props.ratePerSecond === undefined ? {} : { ratePerSecond: props.ratePerSecond }),
      }),
    );
    await worker.drain(replay.sent);
    say(`local:stream: delivered ${worker.stats.records} records in ${worker.stats.objects} objects`);
    const streamMs = Date.now() - t;

    const keys = [...(await sink.list('catalog/')), ...(await sink.list('users/')), ...(await sink.list('events/'))];
    const paths = s3 !== undefined
      ? await s3.download(keys, join(props.workDir, 'bronze-download'))
      : keys.map((k) => (sink as DirectorySink).path(k));
    const bronzeFiles: BronzeFile[] = keys.map((key, i) => ({ kind: key.split('/')[0] as FeedKind, path: paths[i]! }));

    t = Date.now();
    if (props.load) {
      say(`local:stream: loading ${bronzeFiles.length} bronze objects into the local warehouse`);
      await props.load(bronzeFiles);
    }
    return { dataset, replay, delivery: worker.stats, bronzeFiles, timings: { generateMs, streamMs, loadMs: Date.now() - t } };
  } finally {
    await kinesis.close();
    if (s3 !== undefined) await s3.close();
  }
}

