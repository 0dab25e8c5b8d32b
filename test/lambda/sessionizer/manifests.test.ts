import 'aws-sdk-client-mock-vitest/extend';
import { CompleteMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeManifests } from '../../../lambda/sessionizer/manifests.js';
import { numberedLineNo } from '../../../pipeline/numbered-copy.js';
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
