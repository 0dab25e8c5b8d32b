import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaMigrations } from '../../../lib/constructs/schema-migrations.js';
import { Sessionizer, type SessionizerProps } from '../../../lib/constructs/sessionizer.js';
import { nagFindings, testStacks, type TestDeps } from './sessionizer-test-stack.js';
import { requireCfnLint, runCfnLint } from '../helpers/cfn-lint';

let template: Template;
let assembly: CloudAssembly;
let findings: string[];
let sessionizer: Sessionizer;
let migrations: SchemaMigrations;
let stack: Stack;

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function props(deps: TestDeps, extra: Partial<SessionizerProps> = {}): SessionizerProps {
  return {
    clusterIdentifier: 'streamflix-dev',
    database: 'streamflix',
    adminSecret: deps.secret,
    bronzeBucket: deps.bucket,
    bronzeKey: deps.key,
    copyRole: deps.copyRole,
    alarmTopic: deps.topic,
    schedule: Duration.minutes(15),
    maxObjectsPerRun: 12,
    maxBytesPerRun: 256 * 1024 ** 2,
    freshnessLagThreshold: Duration.hours(2),
    ...extra,
  };
}

beforeAll(() => {
  const built = testStacks();
  stack = built.stack;
  migrations = new SchemaMigrations(stack, 'SchemaMigrations', {
    clusterIdentifier: 'streamflix-dev',
    database: 'streamflix',
    adminSecret: built.deps.secret,
  });
  sessionizer = new Sessionizer(stack, 'Sessionizer', props(built.deps, { schemaReady: migrations }));
  findings = nagFindings(built.app);
  assembly = built.app.synth();
  template = Template.fromStack(stack);
});

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

function roleStatements(): Statement[] {
  const roleId = logicalId(sessionizer.role);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('the function', () => {
  it('runs on Node 24, ARM, one at a time, within the schedule', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      Timeout: 14 * 60,
      Handler: 'index.handler',
    });
  });

  it('gets its settings from the construct', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CLUSTER_ID: 'streamflix-dev',
          DATABASE: 'streamflix',
          MAX_OBJECTS: '12',
          MAX_BYTES: String(256 * 1024 ** 2),
          LOOKBACK_DAYS: '1',
          SQL_DIR: 'sql',
          STATEMENT_NAME: 'streamflix-load-Warehouse',
          SECRET_ARN: Match.anyValue(),
          BRONZE_BUCKET: Match.anyValue(),
          COPY_ROLE_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it('is not retried by Lambda: the next scheduled run retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('bundles the handler as ESM with the sql/ directory beside it', () => {
    const fn = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x', ReservedConcurrentExecutions: 1 } });
    const [resource] = Object.values(fn) as { Properties: { Code: { S3Key: string } } }[];
    const hash = (resource?.Properties.Code.S3Key ?? 'missing').replace(/\.zip$/, '');
    const assetDir = join(assembly.directory, `asset.${hash}`);
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDir, 'sql', 'migrations', 'V000__bootstrap.sql'))).toBe(true);
    expect(existsSync(join(assetDir, 'sql', 'load'))).toBe(true);
  });
});

describe('the schedule', () => {
  it('invokes the function at the configured rate with a retry policy and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(sessionizer.function), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(sessionizer.deadLetterQueue), 'Arn'] } },
      },
    });
  });

  it('is created only after the schema migrations custom resource', () => {
    const schedule = template.findResources('AWS::Scheduler::Schedule');
    const [only] = Object.values(schedule) as { DependsOn?: string[] }[];
    expect(only?.DependsOn).toContain(stack.getLogicalId(migrations.resource.node.defaultChild as never));
  });

  it('dead-letters to an encrypted, TLS-only queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('least privilege', () => {
  it('runs statements on this cluster only', () => {
    const run = roleStatements().find((s) => s.Sid === 'RunStatementsOnThisCluster');
    expect(actionsOf(run as Statement).sort()).toEqual(['redshift-data:BatchExecuteStatement', 'redshift-data:ExecuteStatement']);
    expect(JSON.stringify(run?.Resource)).toContain(':cluster:streamflix-dev');
  });

  it('follows up only on statements its own role submitted', () => {
    const follow = roleStatements().find((s) => s.Sid === 'FollowOwnStatements');
    expect(follow?.Resource).toBe('*');
    expect(JSON.stringify(follow?.Condition)).toContain('redshift-data:statement-owner-iam-userid');
  });

  it('reads only this secret', () => {
    const secret = roleStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(secret).toHaveLength(1);
    expect(actionsOf(secret[0] as Statement).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(secret[0]?.Resource)).toContain('AdminSecret');
  });

  it('lists only the feed prefixes, reads only the reference feeds and writes only manifests', () => {
    const s3 = roleStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map(actionsOf).flat().sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const get = s3.find((s) => actionsOf(s).includes('s3:GetObject'));
    // the catalog and users objects, for their numbered copies; never events/
    expect(JSON.stringify(get?.Resource)).toMatch(/\/catalog\/\*".*\/users\/\*"/);
    expect(JSON.stringify(get?.Resource)).not.toMatch(/events|manifests/);
    const list = s3.find((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['catalog/*', 'users/*', 'events/*'] } });
    const put = s3.find((s) => actionsOf(s).includes('s3:PutObject'));
    expect(JSON.stringify(put?.Resource)).toMatch(/\/manifests\/\*"/);
  });

  it('uses the bronze key only through S3: to encrypt what it writes and decrypt what it reads', () => {
    const kms = roleStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.map(actionsOf).flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const statement of kms) expect(JSON.stringify(statement.Condition)).toContain('kms:ViaService');
  });

  it('grants nothing else', () => {
    const prefixes = new Set(roleStatements().flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...prefixes].sort()).toEqual(['kms', 'logs', 'redshift-data', 's3', 'secretsmanager']);
    expect(roleStatements().flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(findings).toEqual([]);
  });
});

describe('alarms', () => {
  // The topic lives in the other stack: a cross-stack reference naming it.
  const topicImport = Match.anyValue();

  it('send every alarm and its recovery to the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[]; OKActions: unknown[] } }[];
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/Alarms[0-9A-F]{8}/);
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
  });

  it('alarms on any failed run', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicImport],
    });
  });

  it('alarms when the watermark lags more than the threshold', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreshnessLagSeconds',
      Namespace: 'StreamFlix/Warehouse',
      Dimensions: [{ Name: 'service', Value: 'streamflix-load-Warehouse' }],
      Statistic: 'Maximum',
      Threshold: 7200,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [topicImport],
    });
  });

  it('holds the freshness alarm through a period without a point (a quick run followed by a long one)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreshnessLagSeconds',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when the function is not invoked for three scheduled runs in a row', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocations',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 900,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topicImport],
    });
  });

  it('creates the not-running alarm with the schedule, not during the cluster and migrations before it', () => {
    const [[, alarm]] = Object.entries(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Invocations' } }));
    const [schedule] = Object.keys(template.findResources('AWS::Scheduler::Schedule'));
    expect(alarm.DependsOn).toContain(schedule);
  });

  it('alarms when more than the threshold\'s share of an hour\'s event lines, or of its reference-feed lines, was quarantined', () => {
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('quarantined') } })) as {
      Properties: { Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number; Stat: string }; ReturnData?: boolean }[]; Threshold: number; ComparisonOperator: string; TreatMissingData: string; EvaluationPeriods: number };
    }[];
    const { Metrics, ...rest } = alarm.Properties;
    expect(rest).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const expressions = Metrics.filter((m) => m.Expression).map((m) => m.Expression);
    expect(expressions.sort()).toEqual([
      'IF(lines_events > 0, 100 * bad_events / lines_events, 0)',
      'IF(lines_reference > 0, 100 * bad_reference / lines_reference, 0)',
      'MAX([events, reference])',
    ]);
    const id = (name: string) => Metrics.find((m) => m.MetricStat?.Metric.MetricName === name)?.Id;
    expect([id('LinesRead'), id('Quarantined'), id('ReferenceLinesRead'), id('ReferenceLinesQuarantined')]).toEqual(['lines_events', 'bad_events', 'lines_reference', 'bad_reference']);
    // the share is taken per family: its own lines and quarantined lines, summed over the hour
    const stats = Metrics.filter((m) => m.MetricStat).map((m) => `${m.MetricStat?.Metric.MetricName}/${m.MetricStat?.Stat}/${m.MetricStat?.Period}`);
    expect(stats.sort()).toEqual(['LinesRead/Sum/3600', 'Quarantined/Sum/3600', 'ReferenceLinesQuarantined/Sum/3600', 'ReferenceLinesRead/Sum/3600']);
    expect(Metrics.filter((m) => m.ReturnData !== false).map((m) => m.Expression)).toEqual(['MAX([events, reference])']);
  });

  it('alarms on messages in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      AlarmActions: [topicImport],
    });
  });
});

describe('validation', () => {
  const fresh = () => testStacks();

  it('refuses a timeout that is not shorter than the schedule', () => {
    const { stack: s, deps } = fresh();
    expect(() => new Sessionizer(s, 'S', props(deps, { schedule: Duration.minutes(5), timeout: Duration.minutes(5) }))).toThrow(
      /timeout .* must be shorter than schedule/,
    );
  });

  it('refuses a lag threshold within one schedule period', () => {
    const { stack: s, deps } = fresh();
    expect(() => new Sessionizer(s, 'S', props(deps, { freshnessLagThreshold: Duration.minutes(10) }))).toThrow(
      /freshnessLagThreshold .* must be longer than schedule/,
    );
  });

  it('refuses a schedule that is not whole minutes', () => {
    const { stack: s, deps } = fresh();
    expect(() => new Sessionizer(s, 'S', props(deps, { schedule: Duration.seconds(90) }))).toThrow(/whole number of minutes/);
  });

  it('refuses a quarantine threshold that is not a percentage, or a window that is not whole hours of runs', () => {
    const { stack: s, deps } = fresh();
    expect(() => new Sessionizer(s, 'A', props(deps, { quarantinedPercentThreshold: 0 }))).toThrow(/quarantinedPercentThreshold must be above 0 and at most 100/);
    expect(() => new Sessionizer(s, 'B', props(deps, { quarantineWindow: Duration.minutes(90) }))).toThrow(/quarantineWindow must be whole hours/);
  });

  it('refuses a non-positive object bound', () => {
    const { stack: s, deps } = fresh();
    expect(() => new Sessionizer(s, 'S', props(deps, { maxObjectsPerRun: 0 }))).toThrow(/maxObjectsPerRun must be a positive integer/);
  });
});

describe('cfn-lint', () => {
  it.runIf(runCfnLint)('finds no error in the synthesized template', () => {
    requireCfnLint();
    const file = join(mkdtempSync(join(tmpdir(), 'cfn-')), 'warehouse.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    const lint = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    // Exit code bit 2 means errors; warnings (4) and informational (8) are tolerated.
    expect(lint.status !== null && (lint.status & 2) === 0, lint.stdout).toBe(true);
  });
});

// Guards the helper itself: an unacknowledged finding must show.
it('the nag check reports an unacknowledged finding', () => {
  const { app, stack: s } = testStacks();
  new sqs.Queue(s, 'Bare');
  expect(nagFindings(app).join('\n')).toMatch(/AwsSolutions-SQS/);
});
