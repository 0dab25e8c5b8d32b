/**
 * A load that commits just before the run's deadline. Its read-back (the etl_batch row)
 * needs a poll of its own; on the load's deadline it ran out of time, and the committed
 * load was taken for one still running and its counts were never published.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CommittedLoadReadError } from '../../../pipeline/load.js';
import { DataApiExecutor } from '../../../lambda/shared/data-api-executor.js';
import type { SessionizerConfig } from '../../../lambda/sessionizer/config.js';
import { runSessionizer, type RunDeps } from '../../../lambda/sessionizer/run.js';
import { fakeTime } from '../fakes.js';
import { sqlFixture } from '../sql-fixture.js';

const redshiftMock = mockClient(RedshiftDataClient);
const s3Mock = mockClient(S3Client);
const config: SessionizerConfig = {
  clusterIdentifier: 'streamflix-dev',
  database: 'streamflix',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-admin-AbCdEf',
  statementName: 'streamflix-load-dev',
  bronzeBucket: 'bronze',
  copyRoleArn: 'arn:aws:iam::111111111111:role/streamflix-copy',
  maxObjectsPerRun: 3,
  maxBytesPerRun: 1_000_000,
  lookbackDays: 1,
  sqlDir: sqlFixture(),
};

let time: ReturnType<typeof fakeTime>;
let committed: boolean;

beforeEach(() => {
  redshiftMock.reset();
  s3Mock.reset();
  time = fakeTime();
  committed = false;
  const sqlById = new Map<string, string>();
  const polls = new Map<string, number>();
  redshiftMock.on(ListStatementsCommand).resolves({ Statements: [] });
  redshiftMock.on(ExecuteStatementCommand).callsFake((input: { Sql: string }) => {
    const id = `q${sqlById.size + 1}`;
    sqlById.set(id, input.Sql);
    return { Id: id };
  });
  redshiftMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
  redshiftMock.on(DescribeStatementCommand).callsFake((input: { Id: string }) => {
    const n = (polls.get(input.Id) ?? 0) + 1;
    polls.set(input.Id, n);
    if (input.Id === 'b1') {
      if (n < 3) return { Id: 'b1', Status: 'STARTED' };
      committed = true;
      return { Id: 'b1', Status: 'FINISHED' };
    }
    // the read-back needs one poll, as a query on a busy cluster does
    if ((sqlById.get(input.Id) ?? '').includes('where b.load_token') && n === 1) return { Id: input.Id, Status: 'STARTED' };
    return { Id: input.Id, Status: 'FINISHED', HasResultSet: true };
  });
  redshiftMock.on(GetStatementResultCommand).callsFake((input: { Id: string }) =>
    (sqlById.get(input.Id) ?? '').includes('where b.load_token')
      ? {
          ColumnMetadata: ['batch_id', 'lines_read', 'events_loaded', 'duplicates', 'quarantined', 'watermark'].map((name) => ({ name, typeName: 'int8' })),
          Records: [[{ longValue: 1 }, { longValue: 10 }, { longValue: 7 }, { longValue: 2 }, { longValue: 1 }, { isNull: true }]],
        }
      : { ColumnMetadata: [], Records: [] },
  );
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) =>
    input.Prefix === 'events/' ? { Contents: [{ Key: 'events/dt=2026-11-21/a.gz', Size: 10 }], IsTruncated: false } : { Contents: [] },
  );
  s3Mock.on(PutObjectCommand).resolves({});
});

function deps(loadDeadlineMs: number, readBackDeadlineMs?: number): RunDeps {
  const client = new RedshiftDataClient({ region: 'eu-west-1' });
  const executor = (deadlineMs: number) => new DataApiExecutor({ ...config, client, sleep: time.sleep, now: time.now, deadline: time.now() + deadlineMs });
  return {
    config,
    executor: executor(loadDeadlineMs),
    readBack: readBackDeadlineMs === undefined ? undefined : executor(readBackDeadlineMs),
    s3: new S3Client({ region: 'eu-west-1' }),
    inFlight: async () => [],
    newLoadToken: () => '00000000-0000-4000-8000-000000000001',
  };
}

describe('a load that commits just before the deadline', () => {
  it('is read back on the budget of its own and reported loaded, with its counts', async () => {
    const summary = await runSessionizer(deps(900, 20_000));
    expect(committed).toBe(true);
    expect(summary).toMatchObject({ status: 'loaded', result: { linesRead: 10, eventsLoaded: 7, duplicates: 2, quarantined: 1 } });
  });

  it('is never taken for a load still running when even its read-back runs out of time', async () => {
    const run = runSessionizer(deps(900));
    await expect(run).rejects.toBeInstanceOf(CommittedLoadReadError);
    await expect(run).rejects.toThrow(/load 00000000-0000-4000-8000-000000000001 committed, but reading its etl_batch row back failed/);
    expect(committed).toBe(true);
  });
});
