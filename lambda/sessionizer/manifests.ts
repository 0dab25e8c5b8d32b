import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { manifestFor, type BronzeObject } from '../../pipeline/load.js';
import { isNumberedKind, writeNumberedCopy } from '../../pipeline/numbered-copy.js';
import type { ListedObject } from './bronze-listing.js';
import { MANIFEST_PREFIX } from './bucket-layout.js';
import { uploadInParts } from './upload-in-parts.js';

/**
 * Writes the numbered copy of a reference object (`pipeline/numbered-copy.ts`) to `copyKey`,
 * streamed from the object through gunzip (when its key ends in .gz, as COPY decides),
 * numbering and gzip, and uploaded in parts: a part at most is held in memory, however
 * large the feed's snapshot. It stops at `deadline` (epoch ms), its upload aborted, with an
 * error that says what to change: a hard Lambda timeout would leave neither.
 */
async function writeCopy(s3: S3Client, bucket: string, key: string, copyKey: string, objectNo: number, options: ManifestOptions): Promise<void> {
  const started = Date.now();
  const signal = options.deadline === undefined ? undefined : AbortSignal.timeout(Math.max(0, options.deadline - started));
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    if (!(object.Body instanceof Readable)) throw new Error('S3 returned no body stream');
    await writeNumberedCopy(object.Body, { objectNo, gunzip: /\.gz$/i.test(key), signal }, (gzipped) =>
      uploadInParts({ s3, bucket, key: copyKey, contentType: 'text/csv', partBytes: options.partBytes }, gzipped),
    );
  } catch (e) {
    if (signal?.aborted) {
      throw new Error(
        `the numbered copy of s3://${bucket}/${key} did not finish within this run (stopped after ${Math.round((Date.now() - started) / 1000)} s, ` +
          'its upload aborted): the copy runs on the sessionizer\'s CPU, which grows with its memory (1,769 MB is one vCPU); ' +
          'give it more memory, or a longer schedule (and timeout), until a snapshot fits one run',
        { cause: e },
      );
    }
    throw new Error(`cannot write the numbered copy of s3://${bucket}/${key}: ${(e as Error).message}`, { cause: e });
  }
}

export interface ManifestOptions {
  /**
   * The numbered copies' upload part size.
   * @default DEFAULT_PART_BYTES (8 MiB; tests use less)
   */
  readonly partBytes?: number;
  /**
   * When a numbered copy must have finished (epoch ms): the invocation's end less its reserve.
   * @default no deadline
   */
  readonly deadline?: number;
}

/**
 * Writes one one-entry manifest (`mandatory: true`, the exact key) per object, so COPY reads
 * exactly that object and fails loudly if it is gone, never a prefix match. A reference
 * object's manifest names its numbered copy, written first beside it, one at a time.
 * Objects are numbered in the given order, as `planLoad` numbers them.
 */
export async function writeManifests(
  s3: S3Client,
  bucket: string,
  loadToken: string,
  objects: readonly ListedObject[],
  options: ManifestOptions = {},
): Promise<BronzeObject[]> {
  const sources: string[] = [];
  for (const [i, o] of objects.entries()) {
    if (!isNumberedKind(o.kind)) sources.push(o.key);
    else {
      const copyKey = `${MANIFEST_PREFIX}${loadToken}/${i + 1}.csv.gz`;
      await writeCopy(s3, bucket, o.key, copyKey, i + 1, options);
      sources.push(copyKey);
    }
  }
  return Promise.all(
    objects.map(async (o, i) => {
      const key = `${MANIFEST_PREFIX}${loadToken}/${i + 1}.manifest`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: manifestFor([`s3://${bucket}/${sources[i]}`]),
          ContentType: 'application/json',
        }),
      );
      const object: BronzeObject = { kind: o.kind, key: o.key, manifestUri: `s3://${bucket}/${key}` };
      return isNumberedKind(o.kind) ? { ...object, numbered: true } : object;
    }),
  );
}
