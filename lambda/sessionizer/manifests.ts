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
 * large the feed's snapshot.
 */
async function writeCopy(s3: S3Client, bucket: string, key: string, copyKey: string, objectNo: number, partBytes?: number): Promise<void> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!(object.Body instanceof Readable)) throw new Error('S3 returned no body stream');
    await writeNumberedCopy(object.Body, { objectNo, gunzip: /\.gz$/i.test(key) }, (gzipped) =>
      uploadInParts({ s3, bucket, key: copyKey, contentType: 'text/csv', partBytes }, gzipped),
    );
  } catch (e) {
    throw new Error(`cannot write the numbered copy of s3://${bucket}/${key}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Writes one one-entry manifest (`mandatory: true`, the exact key) per object, so COPY reads
 * exactly that object and fails loudly if it is gone, never a prefix match. A reference
 * object's manifest names its numbered copy, written first beside it, one at a time.
 * Objects are numbered in the given order, as `planLoad` numbers them. `partBytes`: the
 * copies' upload part size (default 8 MiB; tests use less).
 */
export async function writeManifests(
  s3: S3Client,
  bucket: string,
  loadToken: string,
  objects: readonly ListedObject[],
  options: { readonly partBytes?: number } = {},
): Promise<BronzeObject[]> {
  const sources: string[] = [];
  for (const [i, o] of objects.entries()) {
    if (!isNumberedKind(o.kind)) sources.push(o.key);
    else {
      const copyKey = `${MANIFEST_PREFIX}${loadToken}/${i + 1}.csv.gz`;
      await writeCopy(s3, bucket, o.key, copyKey, i + 1, options.partBytes);
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
