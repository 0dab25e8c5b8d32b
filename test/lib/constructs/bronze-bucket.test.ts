import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { BronzeBucket, type BronzeBucketProps } from '../../../lib/constructs/bronze-bucket';

function bronze(props: Partial<BronzeBucketProps> = {}): Stack {
  const stack = new Stack();
  new BronzeBucket(stack, 'Bronze', {
    encryptionKey: new kms.Key(stack, 'Key'),
    accessLogsBucket: new s3.Bucket(stack, 'Logs'),
    accessLogsPrefix: 'bronze/',
    lifecycle: { infrequentAccessAfter: Duration.days(30), glacierAfter: Duration.days(90) },
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });
  return stack;
}

describe('the load scratch under manifests/', () => {
  it('expires after the given whole days', () => {
    Template.fromStack(bronze({ loadScratchExpiry: Duration.days(2) })).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [{ Id: 'tiering' }, { Id: 'load-scratch', Prefix: BronzeBucket.MANIFESTS_PREFIX, ExpirationInDays: 2 }, { Id: 'load-scratch-markers' }],
      },
    });
  });

  it('refuses an expiry S3 cannot express, saying what it takes', () => {
    expect(() => bronze({ loadScratchExpiry: Duration.hours(36) })).toThrow(/loadScratchExpiry must be whole days, at least 1 .*got 1 day 12 hours/);
    expect(() => bronze({ loadScratchExpiry: Duration.hours(12) })).toThrow(/loadScratchExpiry must be whole days/);
  });
});
