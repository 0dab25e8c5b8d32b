import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { environments } from '../../../lib/config';
import type { StreamflixStage } from '../../../lib/stages/streamflix-stage';
import { buildStage } from '../helpers/cdk-app';

let dev: Template;
let prod: Template;
let devStage: StreamflixStage;

beforeAll(() => {
  devStage = buildStage('dev');
  dev = Template.fromStack(devStage.foundation);
  prod = Template.fromStack(buildStage('prod').foundation);
});

/** The bronze bucket: the only KMS-encrypted bucket. */
function bronze(template: Template): [string, { Properties: Record<string, unknown>; DeletionPolicy?: string }] {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } },
  });
  const entries = Object.entries(buckets);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, { Properties: Record<string, unknown>; DeletionPolicy?: string }];
}

type Rule = Record<string, unknown>;
const rules = (bucket: { Properties: Record<string, unknown> }): Rule[] =>
  (bucket.Properties.LifecycleConfiguration as { Rules: Rule[] }).Rules;
const rule = (bucket: { Properties: Record<string, unknown> }, id: string): Rule | undefined => rules(bucket).find((r) => r.Id === id);

describe('FoundationStack', () => {
  it('creates a customer-managed data key with rotation', () => {
    dev.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('stream, bronze bucket') });
  });

  it('deletes the data key on destroy in dev', () => {
    dev.hasResource('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('bronze') }, DeletionPolicy: 'Delete' });
  });

  it('keeps the data key on destroy in prod', () => {
    prod.hasResource('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('bronze') }, DeletionPolicy: 'Retain' });
  });

  it('encrypts the bronze bucket with the data key', () => {
    const keyId = Object.keys(dev.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('bronze') } }))[0];
    const [, bucket] = bronze(dev);
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ],
    });
  });

  it('blocks all public access to every bucket', () => {
    const buckets = Object.values(dev.findResources('AWS::S3::Bucket'));
    expect(buckets.length).toBe(2);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies every non-TLS request to the bronze bucket', () => {
    const [bronzeId] = bronze(dev);
    dev.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bronzeId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('sends the bronze bucket access logs to the log bucket', () => {
    const [, bucket] = bronze(dev);
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^LogBucket/) },
      LogFilePrefix: 's3-access/bronze/',
    });
  });

  it('encrypts the log bucket with S3-managed keys, as access and audit logging require', () => {
    dev.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('lets Redshift write audit logs under redshift-audit/ only', () => {
    dev.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RedshiftAuditLogWrite',
            Principal: { Service: 'redshift.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LogBucket'), 'Arn'] }, '/redshift-audit/*']] },
          }),
        ]),
      },
    });
  });

  it('moves bronze objects to Infrequent Access, then Glacier, then expires them per the dev config', () => {
    const [, bucket] = bronze(dev);
    const { bronzeLifecycle } = environments.dev;
    expect(rule(bucket, 'tiering')).toMatchObject({
      Status: 'Enabled',
      Transitions: [
        { StorageClass: 'STANDARD_IA', TransitionInDays: bronzeLifecycle.infrequentAccessAfter.toDays() },
        { StorageClass: 'GLACIER', TransitionInDays: bronzeLifecycle.glacierAfter.toDays() },
      ],
      ExpirationInDays: bronzeLifecycle.expireAfter.toDays(),
    });
    expect(rule(bucket, 'tiering')?.Prefix).toBeUndefined();
  });

  it('never expires raw bronze objects in prod', () => {
    const [, bucket] = bronze(prod);
    const expiring = rules(bucket).filter((r) => 'ExpirationInDays' in r);
    expect(expiring.map((r) => r.Prefix)).toEqual(['manifests/']);
  });

  it("expires a load's scratch objects (manifests, numbered copies of the reference feeds) after 7 days in every environment", () => {
    for (const template of [dev, prod]) {
      const [, bucket] = bronze(template);
      expect(rule(bucket, 'load-scratch')).toEqual({
        Id: 'load-scratch',
        Status: 'Enabled',
        Prefix: 'manifests/',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      });
      // each expiry in the versioned bucket leaves a delete marker: removed once it stands alone
      expect(rule(bucket, 'load-scratch-markers')).toEqual({ Id: 'load-scratch-markers', Status: 'Enabled', Prefix: 'manifests/', ExpiredObjectDeleteMarker: true });
    }
  });

  it('empties and deletes the buckets on destroy in dev', () => {
    expect(Object.values(dev.findResources('AWS::S3::Bucket')).map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    dev.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  it('keeps the buckets and their objects on destroy in prod', () => {
    expect(Object.values(prod.findResources('AWS::S3::Bucket')).map((b) => b.DeletionPolicy)).toEqual(['Retain', 'Retain']);
    prod.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('gives no stateful resource a fixed physical name, so a re-create never collides', () => {
    expect(Object.values(dev.findResources('AWS::S3::Bucket')).map((b) => b.Properties.BucketName)).toEqual([undefined, undefined]);
    expect(Object.values(dev.findResources('AWS::KMS::Alias'))).toEqual([]);
  });

  it('encrypts the alarm topic with its own key and requires TLS to publish', () => {
    dev.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] } });
    dev.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('subscribes the configured address to the alarm topic', () => {
    dev.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: environments.dev.alarms.email });
  });

  it('lets CloudWatch use the alarm key, not the data key', () => {
    dev.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the StreamFlix alarm topic',
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
    const dataKey = Object.values(dev.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('bronze') } }))[0];
    expect(JSON.stringify(dataKey?.Properties.KeyPolicy)).not.toContain('cloudwatch.amazonaws.com');
  });

  it('exposes the bronze bucket, data key, log bucket and alarm topic', () => {
    const { foundation } = devStage;
    expect([foundation.bronzeBucket, foundation.dataKey, foundation.logBucket, foundation.alarmTopic].every((x) => x !== undefined)).toBe(true);
  });
});
