import 'aws-sdk-client-mock-vitest/extend';
import { BatchExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../lambda/sessionizer/handler.js';
import { sessionizerEnv } from '../sql-fixture.js';
import { FakeBronze, FakeWarehouse } from './fake-warehouse.js';

const redshiftMock = mockClient(RedshiftDataClient);
const s3Mock = mockClient(S3Client);
let warehouse: FakeWarehouse;
let bronze: FakeBronze;
let out: string[];

const context = {
  functionName: 'sessionizer',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:sessionizer',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as Context;

/** Every JSON document the handler wrote (logs and EMF metrics). */
const documents = (): Record<string, unknown>[] =>
  out.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', ...sessionizerEnv() });
});

beforeEach(() => {
  redshiftMock.reset();
  s3Mock.reset();
  warehouse = new FakeWarehouse(redshiftMock);
  bronze = new FakeBronze(s3Mock);
  out = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the sessionizer handler', () => {
  it('loads, logs one structured line and publishes the metrics', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    const summary = await handler({}, context);
    expect(summary.status).toBe('loaded');
    expect(redshiftMock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
    const docs = documents();
    expect(docs).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'load committed', service: 'streamflix-load-dev', objects: ['events/dt=2026-11-21/a.gz'] }));
    const emf = docs.find((d) => '_aws' in d) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'StreamFlix/Warehouse', Dimensions: [['service']] });
    expect(emf).toMatchObject({ service: 'streamflix-load-dev', ObjectsLoaded: 1, LinesRead: 10, EventsLoaded: 7, Duplicates: 2, Quarantined: 1 });
    expect(typeof emf.FreshnessLagSeconds).toBe('number');
  });

  it('exits cleanly and says so when another load is in flight', async () => {
    warehouse.running.push({ Id: 'earlier', StatementName: 'streamflix-load-dev', Status: 'PICKED' });
    expect(await handler({}, context)).toMatchObject({ status: 'skipped-in-flight', inFlight: ['earlier'] });
    expect(documents()).toContainEqual(expect.objectContaining({ message: expect.stringContaining('another load is in flight') }));
  });

  it('stops a reference copy that would outlast the invocation, and says what to change', async () => {
    bronze.objects.set('users/2026-11-21.ndjson', 100);
    // an object that takes longer to read than the invocation has: a line every 10 ms, no end
    s3Mock.on(GetObjectCommand).callsFake(() => ({
      Body: new Readable({
        read() {
          setTimeout(() => this.push(Buffer.from('{"user_id":"u-1"}\n')), 10);
        },
      }),
    }));
    // the reserve (30 s) plus a little: the copy's deadline is at least a second away
    const short = { ...context, getRemainingTimeInMillis: () => 30_500 } as Context;
    await expect(handler({}, short)).rejects.toThrow(/numbered copy of s3:\/\/.*users\/2026-11-21\.ndjson did not finish within this run/);
    expect(redshiftMock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 0);
    expect(documents()).toContainEqual(expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('load failed') }));
  });

  it('fails the invocation with the Redshift error, logged', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    warehouse.batchOutcome = { status: 'FAILED', error: 'ERROR: disk full' };
    await expect(handler({}, context)).rejects.toThrow('ERROR: disk full');
    expect(documents()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', error: expect.objectContaining({ redshiftError: 'ERROR: disk full', statementName: 'streamflix-load-dev' }) }),
    );
  });
});
