import 'aws-sdk-client-mock-vitest/extend';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DataApiExecutor } from '../../../lambda/shared/data-api-executor.js';
import { StatementFailedError, StatementTimeoutError } from '../../../lambda/shared/statement-errors.js';
import { fakeTime, serviceError } from '../fakes.js';

const redshift = mockClient(RedshiftDataClient);
const target = {
  ClusterIdentifier: 'streamflix-dev',
  Database: 'streamflix',
  SecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-admin-AbCdEf',
  StatementName: 'streamflix-load-dev',
};

let time: ReturnType<typeof fakeTime>;
function executor(timeoutMs?: number, deadline?: number): DataApiExecutor {
  return new DataApiExecutor({
    client: new RedshiftDataClient({ region: 'eu-west-1' }),
    clusterIdentifier: target.ClusterIdentifier,
    database: target.Database,
    secretArn: target.SecretArn,
    statementName: target.StatementName,
    sleep: time.sleep,
    now: time.now,
    clientToken: () => 'token-1',
    timeoutMs,
    deadline,
  });
}

beforeEach(() => {
  redshift.reset();
  time = fakeTime();
});

describe('DataApiExecutor.query', () => {
  it('sends the statement to this cluster, database and secret with its parameters as strings', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FINISHED', HasResultSet: false });
    await executor().query('delete from t where id = :id and ok = :ok', { id: 7, ok: false, unused: 'x' });
    expect(redshift).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      ...target,
      Sql: 'delete from t where id = :id and ok = :ok',
      Parameters: [
        { name: 'id', value: '7' },
        { name: 'ok', value: 'false' },
      ],
      ClientToken: 'token-1',
    });
  });

  it('returns no rows and fetches none when the statement has no result set', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FINISHED', HasResultSet: false });
    expect(await executor().query('delete from t')).toEqual([]);
    expect(redshift).not.toHaveReceivedCommand(GetStatementResultCommand);
  });

  it('polls with growing delays until FINISHED, then pages through the result', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'q1', Status: 'SUBMITTED' })
      .resolvesOnce({ Id: 'q1', Status: 'PICKED' })
      .resolvesOnce({ Id: 'q1', Status: 'STARTED' })
      .resolves({ Id: 'q1', Status: 'FINISHED', HasResultSet: true });
    redshift
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: undefined })
      .resolves({ Records: [[{ stringValue: 'events/a.gz' }]], ColumnMetadata: [{ name: 'OBJECT_KEY', typeName: 'varchar' }], NextToken: 'p2' })
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: 'p2' })
      .resolves({ Records: [[{ stringValue: 'events/b.gz' }]] });
    const rows = await executor().query('select object_key from t');
    expect(rows).toEqual([{ object_key: 'events/a.gz' }, { object_key: 'events/b.gz' }]);
    expect(time.delays).toEqual([250, 500, 1000]);
    expect(redshift).toHaveReceivedCommandTimes(GetStatementResultCommand, 2);
  });

  it('caps the polling delay', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    const describe = redshift.on(DescribeStatementCommand);
    for (let i = 0; i < 8; i += 1) describe.resolvesOnce({ Id: 'q1', Status: 'STARTED' });
    describe.resolves({ Id: 'q1', Status: 'FINISHED' });
    await executor().query('select 1');
    expect(Math.max(...time.delays)).toBe(5_000);
  });

  it('turns FAILED into an error carrying the Redshift error text and the statement name', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FAILED', Error: 'ERROR: relation "t" does not exist' });
    const failure = executor().query('select * from t');
    await expect(failure).rejects.toThrow(StatementFailedError);
    await expect(failure).rejects.toThrow(/streamflix-load-dev .*FAILED: ERROR: relation "t" does not exist/);
  });

  it('turns ABORTED into an error', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'ABORTED' });
    await expect(executor().query('select 1')).rejects.toMatchObject({ name: 'StatementFailedError', status: 'ABORTED' });
  });

  it('retries a throttled submission with the same idempotency token', async () => {
    redshift
      .on(ExecuteStatementCommand)
      .rejectsOnce(serviceError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(serviceError('ActiveStatementsExceededException', 'too many', 400))
      .resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FINISHED' });
    await executor().query('select 1');
    expect(redshift).toHaveReceivedCommandTimes(ExecuteStatementCommand, 3);
    expect(redshift.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.ClientToken)).toEqual([
      'token-1',
      'token-1',
      'token-1',
    ]);
    expect(time.delays).toEqual([200, 400]);
  });

  it('retries a throttled DescribeStatement (HTTP 429)', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift
      .on(DescribeStatementCommand)
      .rejectsOnce(serviceError('SomethingElse', 'slow down', 429))
      .resolves({ Id: 'q1', Status: 'FINISHED' });
    await executor().query('select 1');
    expect(redshift).toHaveReceivedCommandTimes(DescribeStatementCommand, 2);
  });

  it('gives up after the last throttled attempt', async () => {
    redshift.on(ExecuteStatementCommand).rejects(serviceError('ThrottlingException'));
    await expect(executor().query('select 1')).rejects.toThrow('ThrottlingException');
    expect(redshift).toHaveReceivedCommandTimes(ExecuteStatementCommand, 8);
  });

  it('retries throttling no later than the deadline: the last error comes back when the next wait would pass it', async () => {
    redshift.on(ExecuteStatementCommand).rejects(serviceError('ThrottlingException'));
    const started = time.now();
    await expect(executor(undefined, started + 1_000).query('select 1')).rejects.toThrow('ThrottlingException');
    // waits of 200 and 400 ms fit in the second; the next, 800 ms, would end after it
    expect(time.delays).toEqual([200, 400]);
    expect(redshift).toHaveReceivedCommandTimes(ExecuteStatementCommand, 3);
  });

  it('does not retry an error that is not throttling', async () => {
    redshift.on(ExecuteStatementCommand).rejects(serviceError('ValidationException', 'bad sql'));
    await expect(executor().query('select 1')).rejects.toThrow('bad sql');
    expect(redshift).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
  });

  it('stops waiting at the timeout and says the statement may still run', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'STARTED' });
    const failure = executor(10_000).query('select 1');
    await expect(failure).rejects.toThrow(StatementTimeoutError);
    await expect(failure).rejects.toThrow(/may still be running/);
  });
});

describe('DataApiExecutor deadline', () => {
  it('stops waiting at one deadline shared by every statement, however much timeoutMs each has left', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    redshift.on(DescribeStatementCommand, { Id: 'q1' }).callsFake(async () => {
      await time.sleep(40_000); // a slow first statement: 40 of the run's 60 s
      return { Id: 'q1', Status: 'FINISHED', HasResultSet: false };
    });
    redshift.on(DescribeStatementCommand, { Id: 'b1' }).resolves({ Id: 'b1', Status: 'STARTED' });
    const start = time.now();
    const run = executor(60_000, start + 60_000);
    await run.query('select 1');
    await expect(run.transaction(['select 2'])).rejects.toThrow(StatementTimeoutError);
    // the batch was given what was left of the 60 s, not 60 s of its own
    expect(time.now() - start).toBeLessThanOrEqual(60_000);
  });
});

describe('DataApiExecutor.transaction', () => {
  it('submits the statements in order as one batch with only the referenced parameters', async () => {
    redshift.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    redshift.on(DescribeStatementCommand).resolves({ Id: 'b1', Status: 'FINISHED' });
    await executor().transaction(['insert into a values (:x)', 'insert into b values (:y)', 'commit_marker'], {
      x: 'one',
      y: 2,
      z: 'not referenced',
    });
    expect(redshift).toHaveReceivedCommandExactlyOnceWith(BatchExecuteStatementCommand, {
      ...target,
      Sqls: ['insert into a values (:x)', 'insert into b values (:y)', 'commit_marker'],
      Parameters: [
        { name: 'x', value: 'one' },
        { name: 'y', value: '2' },
      ],
      ClientToken: 'token-1',
    });
    expect(redshift).toHaveReceivedCommandWith(DescribeStatementCommand, { Id: 'b1' });
  });

  it('reports which statement of a FAILED batch failed, with its Redshift error', async () => {
    redshift.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    redshift.on(DescribeStatementCommand).resolves({
      Id: 'b1',
      Status: 'FAILED',
      SubStatements: [
        { Id: 'b1:1', Status: 'FINISHED' },
        { Id: 'b1:2', Status: 'FAILED', Error: 'ERROR: Load into table stg_raw_line failed' },
        { Id: 'b1:3', Status: 'ABORTED' },
      ],
    });
    await expect(executor().transaction(['a', 'b', 'c'])).rejects.toMatchObject({
      failedStatementIndex: 1,
      redshiftError: 'ERROR: Load into table stg_raw_line failed',
      message: expect.stringContaining('at statement 2'),
    });
  });

  it('refuses more than 40 statements before calling AWS', async () => {
    await expect(executor().transaction(Array.from({ length: 41 }, () => 'select 1'))).rejects.toThrow(/at most 40/);
    expect(redshift).not.toHaveReceivedAnyCommand();
  });

  it('refuses a statement over 100 KB before calling AWS', async () => {
    await expect(executor().transaction([`select '${'x'.repeat(102_400)}'`])).rejects.toThrow(/at most 102400/);
    expect(redshift).not.toHaveReceivedAnyCommand();
  });
});
