import 'aws-sdk-client-mock-vitest/extend';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readMigrations } from '../../../pipeline/sql-files.js';
import { DataApiExecutor } from '../../../lambda/shared/data-api-executor.js';
import type { MigrationsDeps } from '../../../lambda/migrations/deps.js';
import { isComplete } from '../../../lambda/migrations/is-complete.js';
import { onEvent } from '../../../lambda/migrations/on-event.js';
import { fakeTime } from '../fakes.js';
import { sqlFixture } from '../sql-fixture.js';
import { FakeRedshift } from './fake-redshift.js';

const redshift = mockClient(RedshiftDataClient);
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-admin-AbCdEf';

let fake: FakeRedshift;
let sqlDir: string;

function deps(dropSchemaOnDelete = false): MigrationsDeps {
  const time = fakeTime();
  const client = new RedshiftDataClient({ region: 'eu-west-1' });
  const config = { clusterIdentifier: 'streamflix-dev', database: 'streamflix', secretArn: SECRET, sqlDir, dropSchemaOnDelete };
  const executor = new DataApiExecutor({ ...config, client, statementName: 'streamflix-schema-migrations', sleep: time.sleep, now: time.now });
  const retry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, multiplier: 2, sleep: time.sleep };
  return { config, client, executor, sqlDir, retry };
}

function event(type: 'Create' | 'Update' | 'Delete', physicalId = 'streamflix-dev/streamflix/streamflix'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:provider',
    ResponseURL: 'https://example.invalid',
    StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/warehouse/1',
    RequestId: `req-${type.toLowerCase()}`,
    LogicalResourceId: 'SchemaMigrations',
    ResourceType: 'Custom::SchemaMigrations',
    ResourceProperties: { ServiceToken: 'x' },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: physicalId, OldResourceProperties: { ServiceToken: 'x' } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalId };
}

/** Runs a deployment to its end the way the Provider framework does. */
async function deploy(type: 'Create' | 'Update' = 'Create', d = deps()): Promise<number> {
  const response = await onEvent(event(type), d);
  let calls = 0;
  for (;;) {
    calls += 1;
    if ((await isComplete({ ...event(type), ...response }, d)).IsComplete) return calls;
    if (calls > 200) throw new Error('isComplete never completed');
  }
}

const batchesNamed = (name: string) => fake.batches.filter((b) => b.name === name);

function markAllApplied(): void {
  for (const m of readMigrations(sqlDir)) fake.applied.set(m.version, m.checksum);
}

beforeEach(() => {
  redshift.reset();
  fake = new FakeRedshift(redshift);
  sqlDir = sqlFixture();
});

describe('schema migrations on create', () => {
  it('bootstraps schema_migrations before reading it', async () => {
    await onEvent(event('Create'), deps());
    expect(fake.queries.slice(0, 3)).toEqual([
      'create schema if not exists streamflix',
      expect.stringContaining('create table if not exists streamflix.schema_migrations'),
      'select version, checksum from streamflix.schema_migrations',
    ]);
  });

  it('applies every migration in order, each as one batch with its record, then the views', async () => {
    await deploy();
    expect(fake.batches.map((b) => b.name)).toEqual([
      'streamflix-migrate-req-create-000',
      'streamflix-migrate-req-create-001',
      'streamflix-migrate-req-create-002',
      'streamflix-migrate-req-create-R__rpt_daily',
    ]);
    expect(fake.applied.size).toBe(4);
  });

  it('sends the exact batch: this cluster, database and secret, the file statements, then the record', async () => {
    await deploy();
    const v002 = readMigrations(sqlDir)[2];
    expect(redshift).toHaveReceivedCommandWith(BatchExecuteStatementCommand, {
      ClusterIdentifier: 'streamflix-dev',
      Database: 'streamflix',
      SecretArn: SECRET,
      StatementName: 'streamflix-migrate-req-create-002',
      Sqls: [
        'create table if not exists streamflix.fact_viewing_session (session_id varchar(64))',
        "comment on table streamflix.fact_viewing_session is 'one row per session'",
        'delete from streamflix.schema_migrations where version = :version',
        'insert into streamflix.schema_migrations (version, name, checksum, applied_at) values (:version, :name, :checksum, getdate())',
        // a versioned migration may change what views read: every view is created again after it
        "delete from streamflix.schema_migrations where left(version, 3) = 'R__'",
      ],
      Parameters: [
        { name: 'version', value: '002' },
        { name: 'name', value: 'V002__fact_viewing_session.sql' },
        { name: 'checksum', value: v002?.checksum },
      ],
    });
  });

  it('begins each batch by locking the landing table once it exists, so a migration and a load take turns', async () => {
    fake.landingTable = true;
    await deploy();
    const v002 = batchesNamed('streamflix-migrate-req-create-002');
    expect(v002.map((b) => b.sqls.slice(0, 3))).toEqual([
      [
        'lock streamflix.stg_raw_line',
        'create table if not exists streamflix.fact_viewing_session (session_id varchar(64))',
        "comment on table streamflix.fact_viewing_session is 'one row per session'",
      ],
    ]);
    // every batch of the deployment, views included
    expect(fake.batches.every((b) => b.sqls[0] === 'lock streamflix.stg_raw_line')).toBe(true);
  });

  it('waits while a migration is still running and submits nothing more', async () => {
    fake.nextBatch = { status: 'STARTED' };
    const d = deps();
    const response = await onEvent(event('Create'), d);
    expect(await isComplete({ ...event('Create'), ...response }, d)).toEqual({ IsComplete: false });
    expect(redshift).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
  });
});

describe('a deployment after one that timed out', () => {
  it('waits for the migration the earlier request left running instead of submitting it again', async () => {
    fake.nextBatch = { status: 'STARTED' };
    const first = deps();
    await isComplete({ ...event('Create'), ...(await onEvent(event('Create'), first)) }, first);
    expect(redshift).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
    // CloudFormation gave up; the next deploy is another request, with another token
    const next = deps();
    const response = await onEvent(event('Update'), next);
    expect(await isComplete({ ...event('Update'), ...response }, next)).toEqual({ IsComplete: false });
    expect(redshift).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
    // once it has finished, the new request goes on with what is left
    fake.batches[0]!.status = 'FINISHED';
    fake.applied.set(fake.batches[0]!.params.version as string, fake.batches[0]!.params.checksum as string);
    fake.nextBatch = { status: 'FINISHED' };
    let complete = false;
    for (let i = 0; i < 50 && !complete; i++) complete = (await isComplete({ ...event('Update'), ...response }, next)).IsComplete;
    expect(complete).toBe(true);
    expect([...fake.applied.keys()].sort()).toEqual(readMigrations(sqlDir).map((m) => m.version).sort());
    const versions = fake.batches.map((b) => b.params.version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('does not submit again a migration the earlier request commits while the next one starts', async () => {
    const all = readMigrations(sqlDir);
    const last = all.at(-1)!;
    for (const m of all) if (m !== last) fake.applied.set(m.version, m.checksum);
    fake.batches.push({ id: 'old', name: `streamflix-migrate-OLD-${last.version}`, sqls: [], params: {}, status: 'STARTED' });
    // the earlier request's batch commits right after the new request reads schema_migrations
    redshift.on(GetStatementResultCommand).callsFake(() => {
      const records = [...fake.applied].map(([version, checksum]) => [{ stringValue: version }, { stringValue: checksum }]);
      fake.batches[0]!.status = 'FINISHED';
      fake.applied.set(last.version, last.checksum);
      return { ColumnMetadata: [{ name: 'version', typeName: 'varchar' }, { name: 'checksum', typeName: 'bpchar' }], Records: records };
    });
    const response = await onEvent(event('Update'), deps());
    expect(redshift).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 0);
    expect(response.Data.Pending).toBe('1');
  });

  it('answers CloudFormation with the number of pending migrations, not their names (a response holds 4,096 bytes)', async () => {
    const response = await onEvent(event('Create'), deps());
    expect(response.Data).toEqual({ RunToken: 'req-create', Pending: String(readMigrations(sqlDir).length) });
  });
});

describe('schema migrations on redeploy', () => {
  it('does nothing when no file is new', async () => {
    markAllApplied();
    const calls = await deploy('Update');
    expect(calls).toBe(1);
    expect(redshift).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });

  it('applies the new file, then creates every view again (it may have dropped or changed what they read)', async () => {
    markAllApplied();
    writeFileSync(join(sqlDir, 'migrations/V003__dim_device.sql'), 'create table if not exists streamflix.dim_device (device_key bigint);\n');
    await deploy('Update');
    expect(fake.batches.map((b) => b.params.name)).toEqual(['V003__dim_device.sql', 'rpt_daily.sql']);
  });

  it('re-applies an edited view', async () => {
    markAllApplied();
    writeFileSync(join(sqlDir, 'views/rpt_daily.sql'), 'drop view if exists streamflix.rpt_daily cascade;\ncreate view streamflix.rpt_daily as select 2 as two;\n');
    await deploy('Update');
    expect(fake.batches.map((b) => b.params.name)).toEqual(['rpt_daily.sql']);
  });

  it('re-applies the views reading an edited view, which its drop cascade removed', async () => {
    const weekly = 'drop view if exists streamflix.rpt_weekly cascade;\ncreate view streamflix.rpt_weekly as select two from streamflix.rpt_daily;\n';
    writeFileSync(join(sqlDir, 'views/rpt_weekly.sql'), weekly);
    markAllApplied();
    writeFileSync(join(sqlDir, 'views/rpt_daily.sql'), 'drop view if exists streamflix.rpt_daily cascade;\ncreate view streamflix.rpt_daily as select 2 as two;\n');
    await deploy('Update');
    expect(fake.batches.map((b) => b.params.name)).toEqual(['rpt_daily.sql', 'rpt_weekly.sql']);
    expect(fake.batches[0].sqls.at(-1)).toBe('delete from streamflix.schema_migrations where version in (:reader_1)');
    expect(fake.batches[0].params.reader_1).toBe('R__rpt_weekly');
  });

  it('refuses an edited migration that was already applied, naming the file, and submits nothing', async () => {
    markAllApplied();
    writeFileSync(join(sqlDir, 'migrations/V001__dim_user.sql'), 'create table if not exists streamflix.dim_user (user_key int);\n');
    await expect(onEvent(event('Update'), deps())).rejects.toThrow(/V001__dim_user\.sql/);
    expect(redshift).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });
});

describe('a failing migration', () => {
  it('fails the deploy naming the file and the statement, with the Redshift error', async () => {
    fake.applied.set('000', readMigrations(sqlDir)[0]?.checksum as string);
    fake.applied.set('001', readMigrations(sqlDir)[1]?.checksum as string);
    fake.nextBatch = {
      status: 'FAILED',
      subStatements: [
        { Id: 'b1:1', Status: 'FINISHED' },
        { Id: 'b1:2', Status: 'FAILED', Error: 'ERROR: syntax error at or near "comment"' },
        { Id: 'b1:3', Status: 'ABORTED' },
        { Id: 'b1:4', Status: 'ABORTED' },
      ],
    };
    await expect(deploy('Update')).rejects.toThrow(
      'Migration V002__fact_viewing_session.sql failed at statement 2 of the file: ERROR: syntax error at or near "comment"',
    );
    expect(fake.applied.has('002')).toBe(false);
  });

  /**
   * V002 is pending with the landing table present, and its batch (the lock, the file's two
   * statements, three of the record) fails at sub-statement `failedAt` (0-based).
   */
  function failV002AfterTheLock(failedAt: number, error: string): void {
    fake.landingTable = true;
    markAllApplied();
    fake.applied.delete('002');
    fake.nextBatch = {
      status: 'FAILED',
      subStatements: Array.from({ length: 6 }, (_, i) => ({
        Id: `b1:${i + 1}`,
        Status: i < failedAt ? ('FINISHED' as const) : i === failedAt ? ('FAILED' as const) : ('ABORTED' as const),
        ...(i === failedAt ? { Error: error } : {}),
      })),
    };
  }

  it('counts the file\'s statements after the lock when it names the failing one', async () => {
    failV002AfterTheLock(2, 'ERROR: syntax error at or near "comment"');
    await expect(deploy('Update')).rejects.toThrow('Migration V002__fact_viewing_session.sql failed at statement 2 of the file');
  });

  it('says when the landing table\'s lock, not the file, failed', async () => {
    failV002AfterTheLock(0, "ERROR: Query (123) cancelled on user's request");
    await expect(deploy('Update')).rejects.toThrow(/V002__fact_viewing_session\.sql failed while locking the landing table \(to take turns with the loads\)/);
  });

  it('says when the record, not the file, failed', async () => {
    fake.nextBatch = {
      status: 'FAILED',
      subStatements: [
        { Id: 'b1:1', Status: 'FINISHED' },
        { Id: 'b1:2', Status: 'FINISHED' },
        { Id: 'b1:3', Status: 'FAILED', Error: 'ERROR: permission denied' },
      ],
    };
    await expect(deploy()).rejects.toThrow(/V000__bootstrap\.sql failed while recording it in schema_migrations/);
  });

  it('names the bootstrap file when the bootstrap fails', async () => {
    redshift.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FAILED', Error: 'ERROR: permission denied for database streamflix' });
    await expect(onEvent(event('Create'), deps())).rejects.toThrow(
      'Bootstrap V000__bootstrap.sql failed at statement 1 of the file: ERROR: permission denied for database streamflix',
    );
  });

  it('refuses a migration too large for one transaction before submitting it', async () => {
    markAllApplied();
    const many = Array.from({ length: 39 }, (_, i) => `create table if not exists streamflix.t${i} (a int);`).join('\n');
    writeFileSync(join(sqlDir, 'migrations/V003__many.sql'), many);
    await expect(onEvent(event('Update'), deps())).rejects.toThrow(/V003__many\.sql has 39 statements.*Split it/);
    expect(redshift).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });
});

describe('schema migrations on delete', () => {
  it('never touches the data by default', async () => {
    const response = await onEvent(event('Delete'), deps());
    expect(response.PhysicalResourceId).toBe('streamflix-dev/streamflix/streamflix');
    expect(redshift).not.toHaveReceivedAnyCommand();
  });

  it('drops the schema only where the environment allows destroying data', async () => {
    await onEvent(event('Delete'), deps(true));
    expect(redshift).toHaveReceivedCommandExactlyOnceWith(ExecuteStatementCommand, {
      Sql: 'drop schema if exists streamflix cascade',
      ClusterIdentifier: 'streamflix-dev',
    });
  });

  it('lets the stack deletion go on when the schema cannot be dropped', async () => {
    redshift.on(ExecuteStatementCommand).rejects(new Error('Cluster streamflix-dev is paused'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const response = await onEvent(event('Delete'), deps(true));
    expect(response.PhysicalResourceId).toBe('streamflix-dev/streamflix/streamflix');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Cluster streamflix-dev is paused'));
    warn.mockRestore();
  });

  it('does not drop a schema of another cluster after a replacement', async () => {
    await onEvent(event('Delete', 'streamflix-old/streamflix/streamflix'), deps(true));
    expect(redshift).not.toHaveReceivedAnyCommand();
  });

  it('completes at once', async () => {
    expect(await isComplete(event('Delete'), deps(true))).toEqual({ IsComplete: true });
  });
});

describe("the repository's migrations", () => {
  it('apply from scratch, each within one Data API transaction, and are a no-op the second time', async () => {
    sqlDir = fileURLToPath(new URL('../../../sql', import.meta.url));
    await deploy();
    const all = readMigrations(sqlDir);
    expect(fake.batches.map((b) => b.params.name)).toEqual(all.map((m) => m.name));
    for (const b of fake.batches) expect(b.sqls.length).toBeLessThanOrEqual(40);
    redshift.resetHistory();
    await deploy('Update');
    expect(redshift).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });
});
