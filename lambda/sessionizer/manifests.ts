import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { manifestFor, type BronzeObject } from '../../pipeline/load.js';
import type { ListedObject } from './bronze-listing.js';
import { MANIFEST_PREFIX } from './bucket-layout.js';

/**
 * Writes one one-entry manifest (`mandatory: true`, the exact key) per object, so
 * COPY reads exactly that object and fails loudly if it is gone, never a prefix match.
 */
export async function writeManifests(
  s3: S3Client,
  bucket: string,
  loadToken: string,
  objects: readonly ListedObject[],
): Promise<BronzeObject[]> {
  return Promise.all(
    objects.map(async (o, i) => {
      const key = `${MANIFEST_PREFIX}${loadToken}/${i + 1}.manifest`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: manifestFor([`s3://${bucket}/${o.key}`]),
          ContentType: 'application/json',
        }),
      );
      return { kind: o.kind, key: o.key, manifestUri: `s3://${bucket}/${key}` };
    }),
  );
}
