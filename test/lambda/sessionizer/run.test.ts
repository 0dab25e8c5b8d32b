import 'aws-sdk-client-mock-vitest/extend';
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  ListStatementsCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { maxObjectsPerLoad, planLoad } from '../../../pipeline/load.js';
import { numberedLineNo } from '../../../pipeline/numbered-copy.js';
import { DataApiExecutor } from '../../../lambda/shared/data-api-executor.js';
import { inFlightStatements } from '../../../lambda/shared/in-flight.js';
import type { SessionizerConfig } from '../../../lambda/sessionizer/config.js';
import { runSessionizer, type RunDeps } from '../../../lambda/sessionizer/run.js';
import { fakeTime, serviceError } from '../fakes.js';
import { sqlFixture } from '../sql-fixture.js';
import { FakeBronze, FakeWarehouse } from './fake-warehouse.js';

const redshiftMock = mockClient(RedshiftDataClient);
const s3Mock = mockClient(S3Client);
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-admin-AbCdEf';
const COPY_ROLE = 'arn:aws:iam::111111111111:role/streamflix-copy';
const TARGET = { ClusterIdentifier: 'streamflix-dev', Database: 'streamflix', SecretArn: SECRET, StatementName: 'streamflix-load-dev' };
const REPO_SQL_DIR = fileURLToPath(new URL('../../../sql', import.meta.url));
const token = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let warehouse: FakeWarehouse;
let bronze: FakeBronze;
let config: SessionizerConfig;
let time: ReturnType<typeof fakeTime>;
let tokens: number;

function deps(overrides: Partial<SessionizerConfig> = {}, timeoutMs?: number): RunDeps {
  const redshift = new RedshiftDataClient({ region: 'eu-west-1' });
  const c = { ...config, ...overrides };
  const retry = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, sleep: time.sleep };
  return {
    config: c,
    s3: new S3Client({ region: 'eu-west-1' }),
    executor: new DataApiExecutor({ ...c, client: redshift, sleep: time.sleep, now: time.now, timeoutMs }),
    inFlight: async () => (await inFlightStatements(redshift, c.statementName, retry)).map((s) => s.Id ?? 'unknown'),
    newLoadToken: () => token(++tokens),
  };
}

const batches = () => redshiftMock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input);
const loadedKeysOf = (batch: { Parameters?: { name?: string; value?: string }[] }) =>
  (batch.Parameters ?? []).filter((p) => p.name?.startsWith('source_')).map((p) => p.value);

beforeEach(() => {
  redshiftMock.reset();
  s3Mock.reset();
  warehouse = new FakeWarehouse(redshiftMock);
  bronze = new FakeBronze(s3Mock);
  time = fakeTime();
  tokens = 0;
  config = {
    clusterIdentifier: 'streamflix-dev',
    database: 'streamflix',
    secretArn: SECRET,
    statementName: 'streamflix-load-dev',
    bronzeBucket: 'streamflix-bronze-dev',
    copyRoleArn: COPY_ROLE,
    maxObjectsPerRun: 10,
    maxBytesPerRun: 1_000_000,
    lookbackDays: 1,
    sqlDir: sqlFixture(),
  };
});

describe('a run with new objects', () => {
  beforeEach(() => {
    bronze.objects.set('events/dt=2026-11-21/b.gz', 100);
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    bronze.objects.set('users/dt=2026-11-21/users.ndjson', 50);
    bronze.objects.set('catalog/dt=2026-11-21/catalog.ndjson', 50);
  });

  it('submits the whole load as one batch on this cluster: catalog, users, then events by key', async () => {
    const summary = await runSessionizer(deps());
    expect(summary.status).toBe('loaded');
    const objects = [
      { kind: 'catalog' as const, key: 'catalog/dt=2026-11-21/catalog.ndjson', manifestUri: `s3://streamflix-bronze-dev/manifests/${token(1)}/1.manifest`, numbered: true },
      { kind: 'users' as const, key: 'users/dt=2026-11-21/users.ndjson', manifestUri: `s3://streamflix-bronze-dev/manifests/${token(1)}/2.manifest`, numbered: true },
      { kind: 'events' as const, key: 'events/dt=2026-11-21/a.gz', manifestUri: `s3://streamflix-bronze-dev/manifests/${token(1)}/3.manifest` },
      { kind: 'events' as const, key: 'events/dt=2026-11-21/b.gz', manifestUri: `s3://streamflix-bronze-dev/manifests/${token(1)}/4.manifest` },
    ];
    const plan = planLoad(objects, { copyCredentials: `iam_role '${COPY_ROLE}'`, loadToken: token(1), sqlDir: config.sqlDir });
    expect(redshiftMock).toHaveReceivedCommandExactlyOnceWith(BatchExecuteStatementCommand, {
      ...TARGET,
      Sqls: plan.statements,
    });
    expect(loadedKeysOf(batches()[0] ?? {})).toEqual(objects.map((o) => o.key));
  });

  it('COPYs each object through its own one-entry, mandatory manifest with the COPY role', async () => {
    await runSessionizer(deps());
    expect(JSON.parse(bronze.manifests.get(`manifests/${token(1)}/3.manifest`) ?? '{}')).toEqual({
      entries: [{ url: 's3://streamflix-bronze-dev/events/dt=2026-11-21/a.gz', mandatory: true }],
    });
    const copy = batches()[0]?.Sqls?.find((s) => s.includes(`manifests/${token(1)}/3.manifest`));
    expect(copy).toContain(`iam_role '${COPY_ROLE}'`);
    expect(copy).toMatch(/ manifest gzip /);
  });

  it('lands the reference feeds through numbered copies: each line with its place in the object, the manifest naming the copy', async () => {
    bronze.bodies.set('catalog/dt=2026-11-21/catalog.ndjson', Buffer.from('{"content_id":"a"}\n\n{"content_id":"b"}\n'));
    await runSessionizer(deps());
    expect(bronze.copies.get(`manifests/${token(1)}/1.csv.gz`)).toBe(
      `${numberedLineNo(1, 1)},"{""content_id"":""a""}"\n${numberedLineNo(1, 3)},"{""content_id"":""b""}"\n`,
    );
    expect(JSON.parse(bronze.manifests.get(`manifests/${token(1)}/1.manifest`) ?? '{}')).toEqual({
      entries: [{ url: `s3://streamflix-bronze-dev/manifests/${token(1)}/1.csv.gz`, mandatory: true }],
    });
    const copy = batches()[0]?.Sqls?.find((s) => s.includes(`manifests/${token(1)}/1.manifest`));
    expect(copy).toMatch(/^copy streamflix\.stg_raw_line \(line_no, raw_line\) .* manifest gzip csv explicit_ids /);
    // the users object is the load's second: its lines are numbered apart from the catalog's
    expect(bronze.copies.get(`manifests/${token(1)}/2.csv.gz`)).toBe(`${numberedLineNo(2, 1)},"{}"\n`);
  });

  it('reads a gzip reference object (key ending in .gz) through gunzip', async () => {
    bronze.objects.delete('catalog/dt=2026-11-21/catalog.ndjson');
    bronze.objects.set('catalog/dt=2026-11-21/catalog.ndjson.gz', 50);
    bronze.bodies.set('catalog/dt=2026-11-21/catalog.ndjson.gz', gzipSync('{"content_id":"a"}'));
    await runSessionizer(deps());
    expect(bronze.copies.get(`manifests/${token(1)}/1.csv.gz`)).toBe(`${numberedLineNo(1, 1)},"{""content_id"":""a""}"\n`);
  });

  it('submits no load when a reference object cannot be read, naming it', async () => {
    s3Mock.on(GetObjectCommand).rejects(serviceError('AccessDenied', 'Access Denied', 403));
    await expect(runSessionizer(deps())).rejects.toThrow(
      'cannot write the numbered copy of s3://streamflix-bronze-dev/catalog/dt=2026-11-21/catalog.ndjson: Access Denied',
    );
    expect(redshiftMock).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });

  it('checks for a load in flight under its own name first', async () => {
    await runSessionizer(deps());
    for (const Status of ['SUBMITTED', 'PICKED', 'STARTED'] as const) {
      expect(redshiftMock).toHaveReceivedCommandWith(ListStatementsCommand, { StatementName: 'streamflix-load-dev', Status, RoleLevel: true });
    }
    expect(redshiftMock.call(0).args[0]).toBeInstanceOf(ListStatementsCommand);
  });

  it('talks to the Data API and S3 in this order', async () => {
    await runSessionizer(deps());
    const names = [...redshiftMock.calls(), ...s3Mock.calls()]
      // sinon numbers every call across spies (callId), which orders the two clients' calls.
      .map((c) => ({ at: (c as unknown as { callId: number }).callId, name: c.args[0].constructor.name.replace(/Command$/, '') }))
      .sort((a, b) => a.at - b.at)
      .map((c) => c.name)
      // Polling and result paging are details of each statement.
      .filter((name) => name !== 'DescribeStatement' && name !== 'GetStatementResult');
    expect(names).toEqual([
      'ListStatements', 'ListStatements', 'ListStatements', // the lock
      'ExecuteStatement', // the watermark, for the freshness metric of every run
      'ExecuteStatement', // newest loaded key per feed
      'ListObjectsV2', 'ExecuteStatement', 'ExecuteStatement', // catalog/: list, the page's loaded range, pendingObjects
      'ListObjectsV2', 'ExecuteStatement', 'ExecuteStatement', // users/
      'ListObjectsV2', 'ExecuteStatement', 'ExecuteStatement', // events/
      'GetObject', 'PutObject', 'GetObject', 'PutObject', // the numbered copies of catalog and users, one at a time
      'PutObject', 'PutObject', 'PutObject', 'PutObject', // one manifest per object
      'BatchExecuteStatement', // the load
      'ExecuteStatement', 'ExecuteStatement', // its etl_batch row and loaded keys
    ]);
  });

  it('asks which listed keys are loaded with bound parameters on this cluster', async () => {
    await runSessionizer(deps());
    expect(redshiftMock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      ...TARGET,
      Sql: 'select object_key from streamflix.etl_loaded_object where object_key in (:key_1, :key_2)',
      Parameters: [
        { name: 'key_1', value: 'events/dt=2026-11-21/a.gz' },
        { name: 'key_2', value: 'events/dt=2026-11-21/b.gz' },
      ],
    });
  });

  it('reports the committed batch', async () => {
    const summary = await runSessionizer(deps());
    expect(summary).toMatchObject({
      status: 'loaded',
      morePending: false,
      result: { linesRead: 10, eventsLoaded: 7, duplicates: 2, quarantined: 1, watermark: '2026-11-21T11:00:00.000Z' },
    });
  });

  it('retries a throttled submission and loads once', async () => {
    warehouse.throttleBatches = 2;
    await expect(runSessionizer(deps())).resolves.toMatchObject({ status: 'loaded' });
    expect(redshiftMock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 3);
    expect(warehouse.loaded.size).toBe(4);
  });
});

describe('a run with nothing new', () => {
  it('submits nothing and writes no manifest', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    warehouse.loaded.set('events/dt=2026-11-21/a.gz', 'events');
    warehouse.watermark = '2026-11-21T11:00:00.000Z';
    expect(await runSessionizer(deps())).toEqual({ status: 'nothing-pending', watermark: new Date('2026-11-21T11:00:00.000Z') });
    expect(redshiftMock).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('submits nothing on an empty bucket', async () => {
    expect((await runSessionizer(deps())).status).toBe('nothing-pending');
    expect(redshiftMock).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });
});

describe('exactly once', () => {
  it('loads an object listed twice once', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    bronze.repeated.add('events/dt=2026-11-21/a.gz');
    await runSessionizer(deps());
    expect(loadedKeysOf(batches()[0] ?? {})).toEqual(['events/dt=2026-11-21/a.gz']);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
  });

  it('never loads an object again in a later run', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    await runSessionizer(deps());
    bronze.objects.set('events/dt=2026-11-21/b.gz', 100);
    await runSessionizer(deps());
    expect(batches().map(loadedKeysOf)).toEqual([['events/dt=2026-11-21/a.gz'], ['events/dt=2026-11-21/b.gz']]);
  });

  it('skips the run, listing and submitting nothing, while another load is in flight', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    warehouse.running.push({ Id: 'earlier', StatementName: 'streamflix-load-dev', Status: 'STARTED' });
    expect(await runSessionizer(deps())).toMatchObject({ status: 'skipped-in-flight', inFlight: ['earlier'] });
    expect(s3Mock).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(redshiftMock).not.toHaveReceivedCommand(BatchExecuteStatementCommand);
  });

  it('reads the watermark while skipping, for the freshness metric', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    await runSessionizer(deps());
    warehouse.running.push({ Id: 'earlier', StatementName: 'streamflix-load-dev', Status: 'STARTED' });
    const skipped = await runSessionizer(deps());
    expect(skipped).toMatchObject({ status: 'skipped-in-flight' });
    expect(skipped.status === 'skipped-in-flight' && skipped.watermark).toBeInstanceOf(Date);
  });

  it('is not held up by a statement of another environment sharing the name prefix', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
    warehouse.running.push({ Id: 'other', StatementName: 'streamflix-load-dev2', Status: 'STARTED' });
    expect((await runSessionizer(deps())).status).toBe('loaded');
  });
});

describe('a failed load', () => {
  beforeEach(() => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 100);
  });

  it('throws with the Redshift error and the failing statement', async () => {
    warehouse.batchOutcome = {
      status: 'FAILED',
      error: 'ERROR: Load into table stg_raw_line failed. Check stl_load_errors',
      subStatements: [
        { Id: 'b1:1', Status: 'FINISHED' },
        { Id: 'b1:2', Status: 'FAILED', Error: 'ERROR: Load into table stg_raw_line failed. Check stl_load_errors' },
      ],
    };
    await expect(runSessionizer(deps())).rejects.toThrow(
      /streamflix-load-dev .*FAILED at statement 2: ERROR: Load into table stg_raw_line failed/,
    );
  });

  it('throws on ABORTED', async () => {
    warehouse.batchOutcome = { status: 'ABORTED' };
    await expect(runSessionizer(deps())).rejects.toMatchObject({ name: 'StatementFailedError', status: 'ABORTED' });
  });

  it('advances neither the loaded keys nor the watermark, so the next run retries the same objects', async () => {
    warehouse.batchOutcome = { status: 'FAILED', error: 'ERROR: boom' };
    await expect(runSessionizer(deps())).rejects.toThrow('ERROR: boom');
    expect(warehouse.loaded.size).toBe(0);
    expect(warehouse.watermark).toBeNull();
    // Nothing follows the failed batch: all bookkeeping travels inside it.
    const last = redshiftMock.calls().at(-1)?.args[0];
    expect(last?.constructor.name).toBe('DescribeStatementCommand');

    warehouse.batchOutcome = { status: 'FINISHED' };
    await runSessionizer(deps());
    expect(batches().map(loadedKeysOf)).toEqual([['events/dt=2026-11-21/a.gz'], ['events/dt=2026-11-21/a.gz']]);
    expect(warehouse.loaded.has('events/dt=2026-11-21/a.gz')).toBe(true);
  });

  it('ends cleanly, without a second submission, when the batch outlives the invocation', async () => {
    warehouse.batchOutcome = { status: 'STARTED' };
    const summary = await runSessionizer(deps({}, 20_000));
    expect(summary).toMatchObject({ status: 'still-running', objects: ['events/dt=2026-11-21/a.gz'], statementId: 'b1' });
    expect(redshiftMock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 1);
  });

  it('carries the watermark from before the load that outlived the invocation, for the freshness metric', async () => {
    warehouse.batchOutcome = { status: 'FINISHED' };
    const first = await runSessionizer(deps());
    expect(first.status).toBe('loaded');
    bronze.objects.set('events/dt=2026-11-21/b.gz', 100);
    warehouse.batchOutcome = { status: 'STARTED' };
    const summary = await runSessionizer(deps({}, 20_000));
    expect(summary.status).toBe('still-running');
    expect(first.status === 'loaded' && first.result.watermark).toBeTruthy();
    expect(summary.status === 'still-running' && summary.watermark).toEqual(first.status === 'loaded' && new Date(first.result.watermark as string));
  });
});

describe('bounds', () => {
  beforeEach(() => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) bronze.objects.set(`events/dt=2026-11-21/${name}.gz`, 400);
  });

  it('takes at most maxObjectsPerRun objects and drains the backlog over later runs', async () => {
    const first = await runSessionizer(deps({ maxObjectsPerRun: 2 }));
    expect(first).toMatchObject({ status: 'loaded', morePending: true, objects: ['events/dt=2026-11-21/a.gz', 'events/dt=2026-11-21/b.gz'] });
    await runSessionizer(deps({ maxObjectsPerRun: 2 }));
    const third = await runSessionizer(deps({ maxObjectsPerRun: 2 }));
    expect(third).toMatchObject({ morePending: false, objects: ['events/dt=2026-11-21/e.gz'] });
    expect((await runSessionizer(deps({ maxObjectsPerRun: 2 }))).status).toBe('nothing-pending');
  });

  it('stops before maxBytesPerRun', async () => {
    const summary = await runSessionizer(deps({ maxBytesPerRun: 1_000 }));
    expect(summary).toMatchObject({ objects: ['events/dt=2026-11-21/a.gz', 'events/dt=2026-11-21/b.gz'], morePending: true });
  });

  it('still takes one object larger than maxBytesPerRun, alone', async () => {
    const summary = await runSessionizer(deps({ maxBytesPerRun: 100 }));
    expect(summary).toMatchObject({ objects: ['events/dt=2026-11-21/a.gz'] });
  });

  it('never plans more objects than fit in 40 statements', async () => {
    for (let i = 0; i < 30; i += 1) bronze.objects.set(`events/dt=2026-11-22/${String(i).padStart(2, '0')}.gz`, 10);
    await runSessionizer(deps({ maxObjectsPerRun: 1_000, maxBytesPerRun: 1_000_000 }));
    expect(batches()[0]?.Sqls?.length).toBeLessThanOrEqual(40);
    expect(loadedKeysOf(batches()[0] ?? {})).toHaveLength(11);
  });
});

describe('listing', () => {
  it('starts each prefix a day before the partition of the newest loaded key', async () => {
    warehouse.loaded.set('events/dt=2026-11-21/z.gz', 'events');
    await runSessionizer(deps());
    expect(s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: 'streamflix-bronze-dev',
      Prefix: 'events/',
      StartAfter: 'events/dt=2026-11-20',
    });
    expect(s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: 'catalog/', StartAfter: undefined });
  });

  it('finds a late object in the partition before the newest one', async () => {
    warehouse.loaded.set('events/dt=2026-11-21/z.gz', 'events');
    bronze.objects.set('events/dt=2026-11-20/late.gz', 10);
    bronze.objects.set('events/dt=2026-11-19/old.gz', 10);
    warehouse.loaded.set('events/dt=2026-11-19/old.gz', 'events');
    const summary = await runSessionizer(deps());
    expect(summary).toMatchObject({ objects: ['events/dt=2026-11-20/late.gz'] });
  });

  it('sets the look-back\'s loaded keys aside with one range read per page, and asks only for the rest by key', async () => {
    for (const name of ['a', 'b', 'c', 'd']) {
      bronze.objects.set(`events/dt=2026-11-20/${name}.gz`, 10);
      warehouse.loaded.set(`events/dt=2026-11-20/${name}.gz`, 'events');
    }
    bronze.objects.set('events/dt=2026-11-21/new.gz', 10);
    const summary = await runSessionizer(deps());
    expect(summary).toMatchObject({ objects: ['events/dt=2026-11-21/new.gz'] });
    expect(redshiftMock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      Sql: 'select object_key from streamflix.etl_loaded_object where object_key >= :first_key and object_key <= :last_key',
      Parameters: [
        { name: 'first_key', value: 'events/dt=2026-11-20/a.gz' },
        { name: 'last_key', value: 'events/dt=2026-11-21/new.gz' },
      ],
    });
    expect(redshiftMock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      Sql: 'select object_key from streamflix.etl_loaded_object where object_key in (:key_1)',
      Parameters: [{ name: 'key_1', value: 'events/dt=2026-11-21/new.gz' }],
    });
  });

  it('does not load again a loaded key the range read misses (a collation that orders it elsewhere)', async () => {
    bronze.objects.set('events/dt=2026-11-21/a.gz', 10);
    warehouse.loaded.set('events/dt=2026-11-21/a.gz', 'events');
    warehouse.outOfRange.add('events/dt=2026-11-21/a.gz');
    bronze.objects.set('events/dt=2026-11-21/b.gz', 10);
    const summary = await runSessionizer(deps());
    expect(summary).toMatchObject({ objects: ['events/dt=2026-11-21/b.gz'] });
  });

  it('follows listing pages', async () => {
    bronze.pageSize = 2;
    for (const name of ['a', 'b', 'c', 'd', 'e']) bronze.objects.set(`events/dt=2026-11-21/${name}.gz`, 10);
    const summary = await runSessionizer(deps());
    expect(summary).toMatchObject({ objects: ['a', 'b', 'c', 'd', 'e'].map((n) => `events/dt=2026-11-21/${n}.gz`) });
    expect(s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 2 + 3);
  });
});

describe("with the repository's SQL", () => {
  it('binds every parameter the real load steps reference and stays within one Data API batch', async () => {
    for (let i = 0; i < 7; i += 1) bronze.objects.set(`events/dt=2026-11-21/${i}.gz`, 10);
    const summary = await runSessionizer(deps({ sqlDir: REPO_SQL_DIR }));
    expect(summary).toMatchObject({ status: 'loaded', morePending: true });
    const [batch] = batches();
    expect(batch?.Sqls?.length).toBeLessThanOrEqual(40);
    expect(loadedKeysOf(batch ?? {})).toHaveLength(maxObjectsPerLoad(REPO_SQL_DIR));
    for (const sql of batch?.Sqls ?? []) expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(100 * 1024);
  });
});
