import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 takes parts of 5 MiB at least (the last aside); 8 MiB keeps a 10,000-part upload above 78 GiB. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export interface UploadTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  /**
   * Bytes per part (tests use small parts; S3 wants 5 MiB at least).
   * @default DEFAULT_PART_BYTES
   */
  readonly partBytes?: number;
}

/**
 * Uploads a stream of unknown length holding at most one part in memory: an object smaller
 * than a part is one PutObject, a larger one a multipart upload, aborted when anything
 * fails (the bucket's lifecycle rule removes what an abort could not).
 */
export async function uploadInParts(target: UploadTarget, chunks: AsyncIterable<Buffer>): Promise<void> {
  const { s3, bucket, key, contentType } = target;
  const partBytes = target.partBytes ?? DEFAULT_PART_BYTES;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const sendPart = async (body: Buffer): Promise<void> => {
    if (uploadId === undefined) {
      uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }))).UploadId;
      if (!uploadId) throw new Error(`S3 started no multipart upload for s3://${bucket}/${key}`);
    }
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body }));
    parts.push({ ETag, PartNumber });
  };
  try {
    for await (const chunk of chunks) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= partBytes) {
        let all = Buffer.concat(pending);
        for (; all.length >= partBytes; all = all.subarray(partBytes)) await sendPart(all.subarray(0, partBytes));
        pending = [all];
        pendingBytes = all.length;
      }
    }
    const rest = Buffer.concat(pending);
    if (uploadId === undefined) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: rest, ContentType: contentType }));
      return;
    }
    if (rest.length > 0) await sendPart(rest);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (e) {
    if (uploadId !== undefined) {
      try {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      } catch {
        // the first error is the one to report; the lifecycle rule ends an upload left open
      }
    }
    throw e;
  }
}
