import 'aws-sdk-client-mock-vitest/extend';
import { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeManifests } from '../../../lambda/sessionizer/manifests.js';
import { numberedLineNo } from '../../../pipeline/numbered-copy.js';
import { serviceError } from '../fakes.js';
import { FakeBronze } from './fake-warehouse.js';

const s3Mock = mockClient(S3Client);
const TOKEN = '00000000-0000-4000-8000-000000000001';
let bronze: FakeBronze;

beforeEach(() => {
  s3Mock.reset();
  bronze = new FakeBronze(s3Mock);
});

describe('the numbered copy of a large reference object', () => {
  it('is uploaded in parts, never whole in memory, and holds every line with its number', async () => {
    // varied lines, so that gzip leaves several 1 KiB parts
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ user_id: `u-${i}`, plan: (i * 7919).toString(36), country: 'DE' }));
    const key = 'users/2026-11-21.ndjson';
    bronze.objects.set(key, 1);
    bronze.bodies.set(key, Buffer.from(lines.join('\n')));
    const [object] = await writeManifests(new S3Client({ region: 'eu-west-1' }), 'bronze', TOKEN, [{ kind: 'users', key, size: 1 }], { partBytes: 1024 });
    expect(object).toMatchObject({ kind: 'users', key, numbered: true });
    expect(s3Mock.commandCalls(UploadPartCommand).length).toBeGreaterThan(2);
    expect(s3Mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 1);
    const copy = (bronze.copies.get(`manifests/${TOKEN}/1.csv.gz`) ?? '').split('\n');
    expect(copy).toHaveLength(2001);
    expect(copy[1999]).toBe(`${numberedLineNo(1, 2000)},"${lines[1999]?.replace(/"/g, '""')}"`);
  });
});

/** A users object's body: lines of random-looking text (gzip leaves them large), failing after `failAfter` bytes. */
function usersBody(failAfter = Infinity, pauseMs = 0): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= failAfter) return void this.destroy(new Error('socket hang up'));
      const lines = Array.from({ length: 50 }, () => JSON.stringify({ user_id: `u-${(n += 1)}`, plan: (n * 2654435761).toString(36).repeat(8) }));
      const chunk = Buffer.from(`${lines.join('\n')}\n`);
      sent += chunk.length;
      if (pauseMs > 0) setTimeout(() => this.push(chunk), pauseMs);
      else this.push(chunk);
    },
  });
}

describe('a numbered copy that fails', () => {
  const KEY = 'users/2026-11-21.ndjson';
  const write = (deadline?: number) =>
    writeManifests(new S3Client({ region: 'eu-west-1' }), 'bronze', TOKEN, [{ kind: 'users', key: KEY, size: 1 }], { partBytes: 16 * 1024, deadline });
  const events: string[] = [];
  beforeEach(() => {
    events.length = 0;
    bronze.objects.set(KEY, 1);
    // an abort that takes a moment, as S3's does: the failure must wait for it
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 20));
      events.push('aborted');
      return {};
    });
  });

  it("reports S3's own error when a part fails, not the stream error the chain gets from it", async () => {
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: usersBody() }));
    s3Mock.on(UploadPartCommand).rejects(serviceError('AccessDenied', 'Access Denied (kms:GenerateDataKey)', 403));
    await expect(write()).rejects.toThrow(`cannot write the numbered copy of s3://bronze/${KEY}: Access Denied (kms:GenerateDataKey)`);
    expect(events).toEqual(['aborted']);
  });

  it('has aborted its multipart upload before it fails, when the object breaks off mid-stream', async () => {
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: usersBody(200_000) }));
    // parts take a while, as S3's do: the object breaks off while one is on its way
    s3Mock.on(UploadPartCommand).callsFake(async () => {
      events.push('part');
      await new Promise((r) => setTimeout(r, 30));
      events.push('part-done');
      return { ETag: '"part"' };
    });
    await expect(write()).rejects.toThrow(/socket hang up/);
    // a Lambda is frozen once its handler has failed: what is sent later may never leave
    const atFailure = [...events];
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(atFailure);
    expect(atFailure.slice(-3)).toEqual(['part', 'part-done', 'aborted']);
    expect(s3Mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 0);
    expect(s3Mock).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `manifests/${TOKEN}/1.manifest` });
  });

  it('stops at the deadline, its upload aborted, saying what to change', async () => {
    // a slow object: one 10 kB chunk every 5 ms, never ending before the deadline
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: usersBody(Infinity, 5) }));
    const started = Date.now();
    await expect(write(Date.now() + 400)).rejects.toThrow(/did not finish within this run \(stopped after \d+ s, its upload aborted\).*give it more memory/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events).toEqual(['aborted']);
    expect(s3Mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 0);
  });

  it('runs to its end when the deadline leaves time', async () => {
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from('{"user_id":"u-1"}\n')]) }));
    const [object] = await write(Date.now() + 60_000);
    expect(object).toMatchObject({ numbered: true });
    expect(bronze.copies.get(`manifests/${TOKEN}/1.csv.gz`)).toBe(`${numberedLineNo(1, 1)},"{""user_id"":""u-1""}"\n`);
  });
});
