import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { environments } from '../../../lib/config';
import type { StreamflixStage } from '../../../lib/stages/streamflix-stage';
import { buildStage } from '../helpers/cdk-app';

let devStage: StreamflixStage;
let dev: Template;
let staging: Template;
let prod: Template;

beforeAll(() => {
  devStage = buildStage('dev');
  dev = Template.fromStack(devStage.warehouse);
  staging = Template.fromStack(buildStage('staging').warehouse);
  prod = Template.fromStack(buildStage('prod').warehouse);
});

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
const only = (template: Template, type: string): Resource => {
  const resources = Object.values(template.findResources(type)) as Resource[];
  expect(resources).toHaveLength(1);
  return resources[0] as Resource;
};
const cluster = (template: Template): Resource => only(template, 'AWS::Redshift::Cluster');

describe('WarehouseStack: network', () => {
  it('has isolated subnets only: no internet or NAT gateway, no public IPs', () => {
    dev.resourceCountIs('AWS::EC2::InternetGateway', 0);
    dev.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.values(dev.findResources('AWS::EC2::Subnet')) as Resource[];
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    expect(subnets.map((s) => s.Properties.MapPublicIpOnLaunch)).toEqual(subnets.map(() => false));
  });

  it('logs all VPC traffic', () => {
    dev.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('reaches S3 through a gateway endpoint', () => {
    dev.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])] },
    });
  });

  it('opens the Secrets Manager endpoint to the rotation function only', () => {
    dev.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SecretsManagerSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RotationSecurityGroup'), 'GroupId'] },
    });
  });

  it('allows no ingress from an address range anywhere', () => {
    const groups = Object.values(dev.findResources('AWS::EC2::SecurityGroup')) as Resource[];
    expect(groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? [])).toEqual([]);
    const rules = Object.values(dev.findResources('AWS::EC2::SecurityGroupIngress')) as Resource[];
    expect(rules.map((r) => r.Properties.CidrIp ?? r.Properties.CidrIpv6)).toEqual(rules.map(() => undefined));
  });

  it('opens the cluster port to the rotation function', () => {
    dev.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: environments.dev.warehouse.port,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RedshiftSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RotationSecurityGroup'), 'GroupId'] },
    });
  });
});

describe('WarehouseStack: Redshift cluster', () => {
  it('is not publicly accessible', () => {
    expect(cluster(dev).Properties.PubliclyAccessible).toBe(false);
  });

  it('is encrypted with the data key', () => {
    expect(cluster(dev).Properties).toMatchObject({ Encrypted: true, KmsKeyId: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Dev-Foundation' }) } });
  });

  it('routes COPY traffic through the VPC (enhanced VPC routing)', () => {
    expect(cluster(dev).Properties.EnhancedVpcRouting).toBe(true);
  });

  it('listens on a non-default port', () => {
    expect(cluster(dev).Properties.Port).toBe(environments.dev.warehouse.port);
    expect(cluster(dev).Properties.Port).not.toBe(5439);
  });

  it('creates the streamflix database', () => {
    expect(cluster(dev).Properties.DBName).toBe('streamflix');
  });

  it('uses a parameter group that requires TLS and logs user activity', () => {
    expect(cluster(dev).Properties.ClusterParameterGroupName).toEqual({ Ref: expect.stringMatching(/ParameterGroup/) });
    expect(only(dev, 'AWS::Redshift::ClusterParameterGroup').Properties.Parameters).toEqual([
      { ParameterName: 'require_ssl', ParameterValue: 'true' },
      { ParameterName: 'enable_user_activity_logging', ParameterValue: 'true' },
    ]);
  });

  it('writes audit logs to the log bucket', () => {
    expect(cluster(dev).Properties.LoggingProperties).toEqual({
      LogDestinationType: 's3',
      BucketName: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Dev-Foundation' }) },
      S3KeyPrefix: 'redshift-audit/',
      LogExports: ['connectionlog', 'userlog', 'useractivitylog'],
    });
  });

  it('is a single node in dev and multi-node in staging, per config', () => {
    expect(cluster(dev).Properties).toMatchObject({ ClusterType: 'single-node', NodeType: 'ra3.xlplus' });
    expect(cluster(dev).Properties.NumberOfNodes).toBeUndefined();
    expect(cluster(staging).Properties).toMatchObject({ ClusterType: 'multi-node', NumberOfNodes: 2 });
  });

  it('keeps automated snapshots for the configured number of days', () => {
    expect(cluster(dev).Properties.AutomatedSnapshotRetentionPeriod).toBe(environments.dev.warehouse.snapshotRetention.toDays());
    expect(cluster(prod).Properties.AutomatedSnapshotRetentionPeriod).toBe(35);
  });

  it('is deleted without a final snapshot on destroy in dev', () => {
    expect([cluster(dev).DeletionPolicy, cluster(dev).UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
  });

  it('leaves a final snapshot on destroy in prod', () => {
    expect([cluster(prod).DeletionPolicy, cluster(prod).UpdateReplacePolicy]).toEqual(['Snapshot', 'Snapshot']);
  });

  it('has no fixed cluster identifier, so a re-create never collides', () => {
    expect(cluster(dev).Properties.ClusterIdentifier).toBeUndefined();
  });

  it('takes its password from the generated admin secret', () => {
    expect(cluster(dev).Properties.MasterUsername).toBe('streamflix_admin');
    expect(JSON.stringify(cluster(dev).Properties.MasterUserPassword)).toMatch(/resolve:secretsmanager:.*:SecretString:password::/);
  });
});

describe('WarehouseStack: admin secret', () => {
  it('is generated, encrypted with the data key', () => {
    const { Properties } = only(dev, 'AWS::SecretsManager::Secret');
    expect(Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password' });
    expect(JSON.parse(Properties.GenerateSecretString.SecretStringTemplate)).toMatchObject({ username: 'streamflix_admin' });
    expect(Properties.KmsKeyId).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Dev-Foundation' }) });
  });

  it('is attached to the cluster', () => {
    dev.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { TargetType: 'AWS::Redshift::Cluster' });
  });

  it("names the cluster's database, which the rotation function connects to (it assumes `dev` otherwise)", () => {
    for (const template of [dev, prod]) {
      const secret = JSON.parse(only(template, 'AWS::SecretsManager::Secret').Properties.GenerateSecretString.SecretStringTemplate);
      expect(secret.dbname).toBe(cluster(template).Properties.DBName);
      expect(secret.dbname).not.toBe('dev');
    }
  });

  it('is rotated by the hosted Redshift single-user function inside the VPC', () => {
    expect(only(dev, 'AWS::SecretsManager::RotationSchedule').Properties).toMatchObject({
      HostedRotationLambda: { RotationType: 'RedshiftSingleUser', VpcSubnetIds: expect.anything(), VpcSecurityGroupIds: expect.anything() },
      RotationRules: { ScheduleExpression: `rate(${environments.dev.warehouse.adminSecretRotation.toDays()} days)` },
    });
  });

  it('is deleted in dev and kept in prod on destroy', () => {
    expect([only(dev, 'AWS::SecretsManager::Secret').DeletionPolicy, only(prod, 'AWS::SecretsManager::Secret').DeletionPolicy]).toEqual(['Delete', 'Retain']);
  });
});

describe('WarehouseStack: COPY role', () => {
  const copyPolicy = (): Resource =>
    (Object.values(dev.findResources('AWS::IAM::Policy')) as Resource[]).find((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('CopyRole')),
    ) as Resource;

  it('is attached to the cluster', () => {
    expect(cluster(dev).Properties.IamRoles).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^CopyRole/), 'Arn'] }]);
  });

  it('is assumable by Redshift only', () => {
    dev.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('COPY'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'redshift.amazonaws.com' } })] },
    });
  });

  it('may only list and read the bronze bucket, and decrypt through S3', () => {
    const statements = copyPolicy().Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(['kms:Decrypt', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket']);
    const resources = JSON.stringify(statements.filter((s) => String(s.Action).startsWith('s3') || [s.Action].flat()[0]?.startsWith('s3')).map((s) => s.Resource));
    expect(resources.match(/OutputName":"([^"]+)"/g)?.every((m) => /BronzeBucket/.test(m))).toBe(true);
    expect(statements.find((s) => s.Action === 'kms:Decrypt')?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
    });
  });
});

describe('WarehouseStack: alarms', () => {
  it('alarms on cluster health', () => {
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Redshift', MetricName: 'HealthStatus', ComparisonOperator: 'LessThanThreshold' });
  });

  it('alarms on disk use at the configured threshold', () => {
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PercentageDiskSpaceUsed',
      Threshold: environments.dev.alarms.diskUsedPercentThreshold,
      AlarmActions: [{ 'Fn::GetStackOutput': Match.objectLike({ StackName: 'Dev-Foundation' }) }],
    });
  });
});

describe('WarehouseStack: what the pipeline constructs get', () => {
  it('exposes the cluster, database, secret, bucket, key, role, topic, VPC and config', () => {
    const w = devStage.warehouse;
    expect(Token.isUnresolved(w.clusterIdentifier)).toBe(true);
    expect(w.databaseName).toBe('streamflix');
    expect(w.clusterPort).toBe(environments.dev.warehouse.port);
    expect(w.bronzeBucket).toBe(devStage.foundation.bronzeBucket);
    expect(w.bronzeKey).toBe(devStage.foundation.dataKey);
    expect(w.alarmTopic).toBe(devStage.foundation.alarmTopic);
    expect([w.adminSecret, w.copyRole, w.vpc, w.clusterSecurityGroup, w.cluster].every((x) => x !== undefined)).toBe(true);
    expect(w.config.sessionizer.schedule.toMinutes()).toBe(environments.dev.sessionizer.schedule.toMinutes());
  });

  it('builds the cluster ARN for Data API policies from the identifier', () => {
    expect(devStage.warehouse.resolve(devStage.warehouse.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster:', { Ref: expect.stringMatching(/^RedshiftCluster/) }]],
    });
  });
});

describe('WarehouseStack: clusterReady', () => {
  it('does not rotate the password during the deploy, while the migrations log in with it', () => {
    expect(only(dev, 'AWS::SecretsManager::RotationSchedule').Properties).toMatchObject({ RotateImmediatelyOnUpdate: false });
  });

  it('makes a dependent wait for the cluster, the secret attachment and the rotation schedule', async () => {
    const { CfnResource } = await import('aws-cdk-lib');
    const stage = buildStage('dev');
    const client = new CfnResource(stage.warehouse, 'SqlClient', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    client.node.addDependency(stage.warehouse.clusterReady);
    const dependsOn = (Template.fromStack(stage.warehouse).toJSON().Resources.SqlClient as { DependsOn: string[] }).DependsOn;
    expect(dependsOn.map((id) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual(['RedshiftAdminSecretAttachment', 'RedshiftAdminSecretAttachmentRotation', 'RedshiftCluster']);
  });
});

describe('WarehouseStack: the loading pipeline', () => {
  const logicalIdOf = (template: Template, type: string): string => {
    const ids = Object.keys(template.findResources(type));
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('applies the schema migrations only once the cluster and its secret are ready', () => {
    const migrations = dev.findResources('Custom::StreamflixSchemaMigrations');
    const dependsOn = (Object.values(migrations)[0] as { DependsOn: string[] }).DependsOn;
    expect(dependsOn.map((id) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual(['RedshiftAdminSecretAttachment', 'RedshiftAdminSecretAttachmentRotation', 'RedshiftCluster']);
  });

  it('starts the sessionizer schedule only after the schema migrations', () => {
    const migrationsId = logicalIdOf(dev, 'Custom::StreamflixSchemaMigrations');
    const schedule = Object.values(dev.findResources('AWS::Scheduler::Schedule'))[0] as { DependsOn: string[] };
    expect(schedule.DependsOn).toContain(migrationsId);
  });

  it('deploys a new sessionizer function, and the load SQL it bundles, only after the schema migrations', () => {
    const migrationsId = logicalIdOf(dev, 'Custom::StreamflixSchemaMigrations');
    const functions = dev.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ LOOKBACK_DAYS: Match.anyValue() }) } } });
    const sessionizer = Object.values(functions) as { DependsOn?: string[] }[];
    expect(sessionizer).toHaveLength(1);
    expect(sessionizer[0].DependsOn).toContain(migrationsId);
  });

  it('points the sessionizer at this cluster, its secret and its COPY role', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CLUSTER_ID: { Ref: Match.stringLikeRegexp('^RedshiftCluster') },
          DATABASE: 'streamflix',
          SECRET_ARN: { Ref: Match.stringLikeRegexp('^RedshiftAdminSecretAttachment') },
          COPY_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CopyRole'), 'Arn'] },
          MAX_OBJECTS: String(environments.dev.sessionizer.maxObjectsPerRun),
        }),
      },
    });
  });

  it("lists late Firehose objects as far back as each environment's stream retention reaches", () => {
    const lookback = (days: string) => ({ Environment: { Variables: Match.objectLike({ LOOKBACK_DAYS: days }) } });
    dev.hasResourceProperties('AWS::Lambda::Function', lookback('2')); // 24 h
    staging.hasResourceProperties('AWS::Lambda::Function', lookback('3')); // 48 h
    prod.hasResourceProperties('AWS::Lambda::Function', lookback('8')); // 7 days
  });

  it('keeps the schema on stack deletion in prod and drops it in dev', () => {
    const dropOnDelete = (value: string) => ({ Environment: { Variables: Match.objectLike({ DROP_SCHEMA_ON_DELETE: value }) } });
    dev.hasResourceProperties('AWS::Lambda::Function', dropOnDelete('true'));
    prod.hasResourceProperties('AWS::Lambda::Function', dropOnDelete('false'));
  });

  it('adds the sessionizer alarms to the environment alarms', () => {
    expect(devStage.warehouse.alarms).toHaveLength(7);
  });
});
