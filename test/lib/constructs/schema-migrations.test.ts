import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnWaitConditionHandle, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_SQL_DIR } from '../../../lib/constructs/lambda-bundling.js';
import { migrationsHash, SchemaMigrations } from '../../../lib/constructs/schema-migrations.js';
import { sqlFixture } from '../../lambda/sql-fixture.js';
import { nagFindings, testStacks } from './sessionizer-test-stack.js';

let template: Template;
let findings: string[];
let migrations: SchemaMigrations;
let stack: Stack;
let cluster: CfnWaitConditionHandle;

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  const built = testStacks();
  stack = built.stack;
  // Stands in for the cluster the migrations must wait for.
  cluster = new CfnWaitConditionHandle(stack, 'ClusterStandIn');
  migrations = new SchemaMigrations(stack, 'SchemaMigrations', {
    clusterIdentifier: 'streamflix-dev',
    database: 'streamflix',
    adminSecret: built.deps.secret,
    clusterReady: cluster,
    totalTimeout: Duration.minutes(45),
    queryInterval: Duration.seconds(20),
  });
  findings = nagFindings(built.app);
  template = Template.fromStack(stack);
});

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

function roleStatements(): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalId(migrations.role) }] } });
  return Object.values(policies).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('the custom resource', () => {
  it('carries a hash of every migration, so a new or edited file triggers an Update', () => {
    template.hasResourceProperties('Custom::StreamflixSchemaMigrations', {
      ClusterIdentifier: 'streamflix-dev',
      Database: 'streamflix',
      MigrationsHash: migrationsHash(REPO_SQL_DIR),
    });
  });

  it('waits for the cluster', () => {
    const [resource] = Object.values(template.findResources('Custom::StreamflixSchemaMigrations')) as { DependsOn?: string[] }[];
    expect(resource?.DependsOn).toContain(stack.getLogicalId(cluster));
  });

  it('is served by a Provider with an isComplete handler and the configured polling', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          USER_IS_COMPLETE_FUNCTION_ARN: { 'Fn::GetAtt': [logicalId(migrations.isCompleteFunction), 'Arn'] },
        }),
      },
    });
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    // 45 minutes at one query every 20 s.
    expect(definition).toContain('\\"IntervalSeconds\\":20');
    expect(definition).toContain('\\"MaxAttempts\\":135');
  });

  it('logs every waiter state machine event', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ Level: 'ALL' }) });
  });
});

describe('the handlers', () => {
  it('never drop the schema on delete by default', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ SQL_DIR: 'sql', CLUSTER_ID: 'streamflix-dev' }) } },
    });
    const drops = Object.values(fns).map(
      (f) => (f as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables.DROP_SCHEMA_ON_DELETE,
    );
    expect(drops).toEqual(['false', 'false']);
  });

  it('drop it only where the environment allows data destruction', () => {
    const { stack: s, deps } = testStacks();
    new SchemaMigrations(s, 'M', { clusterIdentifier: 'c', database: 'd', adminSecret: deps.secret, dropSchemaOnDelete: true });
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DROP_SCHEMA_ON_DELETE: 'true' }) },
    });
  });

  it('run on Node 24, ARM, with one shared role', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs24.x', Architectures: ['arm64'], Role: { 'Fn::GetAtt': [logicalId(migrations.role), 'Arn'] } },
      2,
    );
  });
});

describe('least privilege', () => {
  it('may run statements on this cluster only, and read this secret', () => {
    const statements = roleStatements();
    const run = statements.find((s) => s.Sid === 'RunStatementsOnThisCluster');
    expect(JSON.stringify(run?.Resource)).toContain(':cluster:streamflix-dev');
    const prefixes = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...prefixes].sort()).toEqual(['logs', 'redshift-data', 'secretsmanager']);
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(findings).toEqual([]);
  });
});

describe('validation', () => {
  it("refuses a total timeout beyond CloudFormation's hour", () => {
    const { stack: s, deps } = testStacks();
    expect(
      () => new SchemaMigrations(s, 'M', { clusterIdentifier: 'c', database: 'd', adminSecret: deps.secret, totalTimeout: Duration.minutes(90) }),
    ).toThrow(/cannot exceed CloudFormation's one hour/);
  });
});

describe('migrationsHash', () => {
  it('changes when a migration is added', () => {
    const dir = sqlFixture();
    const before = migrationsHash(dir);
    writeFileSync(join(dir, 'migrations/V003__dim_device.sql'), 'create table if not exists streamflix.dim_device (k bigint);\n');
    expect(migrationsHash(dir)).not.toBe(before);
  });

  it('changes when a migration is edited', () => {
    const dir = sqlFixture();
    const before = migrationsHash(dir);
    writeFileSync(join(dir, 'migrations/V001__dim_user.sql'), 'create table if not exists streamflix.dim_user (user_key int);\n');
    expect(migrationsHash(dir)).not.toBe(before);
  });

  it('stays put when nothing changed', () => {
    const dir = sqlFixture();
    expect(migrationsHash(dir)).toBe(migrationsHash(dir));
  });
});
