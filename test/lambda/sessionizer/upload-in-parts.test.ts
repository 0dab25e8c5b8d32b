import 'aws-sdk-client-mock-vitest/extend';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { uploadInParts } from '../../../lambda/sessionizer/upload-in-parts.js';
import { serviceError } from '../fakes.js';

const s3Mock = mockClient(S3Client);
const target = (partBytes: number) => ({ s3: new S3Client({ region: 'eu-west-1' }), bucket: 'bronze', key: 'manifests/t/1.csv.gz', contentType: 'text/csv', partBytes });
async function* chunks(...sizes: number[]): AsyncGenerator<Buffer> {
  let n = 0;
  for (const size of sizes) yield Buffer.from(Array.from({ length: size }, () => 97 + (n++ % 26)));
}
const bytesOf = (sizes: number[]): Buffer => {
  let n = 0;
  return Buffer.from(sizes.flatMap((size) => Array.from({ length: size }, () => 97 + (n++ % 26))));
};

beforeEach(() => {
  s3Mock.reset();
  s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3Mock.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
  s3Mock.on(CompleteMultipartUploadCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
  s3Mock.on(AbortMultipartUploadCommand).resolves({});
});

describe('uploadInParts', () => {
  it('puts an object smaller than a part in one PutObject', async () => {
    await uploadInParts(target(10), chunks(3, 4));
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'bronze', Key: 'manifests/t/1.csv.gz', ContentType: 'text/csv', Body: bytesOf([3, 4]) });
    expect(s3Mock).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  it('uploads a larger one in parts of the given size, the last shorter, and completes it with their ETags in order', async () => {
    await uploadInParts(target(10), chunks(4, 25, 3)); // 32 bytes: 10 + 10 + 10 + 2
    const parts = s3Mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Buffer).length])).toEqual([[1, 10], [2, 10], [3, 10], [4, 2]]);
    expect(Buffer.concat(parts.map((p) => p.Body as Buffer))).toEqual(bytesOf([4, 25, 3]));
    expect(s3Mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: 'u1',
      MultipartUpload: { Parts: [1, 2, 3, 4].map((n) => ({ PartNumber: n, ETag: `"e${n}"` })) },
    });
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('aborts the upload when a part fails, and says why', async () => {
    s3Mock.on(UploadPartCommand).rejects(serviceError('SlowDown', 'Please reduce your request rate.', 503));
    await expect(uploadInParts(target(10), chunks(25))).rejects.toThrow('Please reduce your request rate.');
    expect(s3Mock).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'bronze', Key: 'manifests/t/1.csv.gz', UploadId: 'u1' });
    expect(s3Mock).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });

  it('reports the part\'s error, not the abort\'s, when the abort fails too', async () => {
    s3Mock.on(UploadPartCommand).rejects(serviceError('SlowDown', 'Please reduce your request rate.', 503));
    s3Mock.on(AbortMultipartUploadCommand).rejects(serviceError('AccessDenied', 'Access Denied', 403));
    await expect(uploadInParts(target(10), chunks(25))).rejects.toThrow('Please reduce your request rate.');
  });
});
