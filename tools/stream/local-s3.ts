/** s3rver as a local bronze bucket, on an ephemeral loopback port. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import S3rver from 's3rver';

export interface LocalS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  readonly bucket: string;
  /** Copies objects to `dir/<key>` so that file-based loaders can read them. */
  download(keys: readonly string[], dir: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLocalS3(directory: string, bucket = 'bronze'): Promise<LocalS3> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver needs path-style addressing and no default checksums (CONTRIBUTING.md).
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    endpoint,
    client,
    bucket,
    async download(keys: readonly string[], dir: string): Promise<string[]> {
      const paths: string[] = [];
      for (const key of keys) {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const path = join(dir, ...key.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, await object.Body!.transformToByteArray());
        paths.push(path);
      }
      return paths;
    },
    async close(): Promise<void> {
      client.destroy();
      await server.close();
    },
  };
}
