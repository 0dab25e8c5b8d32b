import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { cdkJsonContext } from '../helpers/cdk-app.js';

/**
 * The placeholders the warehouse stack provides in production, in a stack of their own
 * (so references cross stacks, as they will), plus the stack under test, with cdk-nag on.
 */
export function testStacks(): { app: App; shared: Stack; stack: Stack; deps: TestDeps } {
  // The feature flags of cdk.json, so that the stack synthesizes as `cdk synth` would.
  const app = new App({ context: cdkJsonContext, analyticsReporting: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const env = { account: '111111111111', region: 'eu-west-1' };
  const shared = new Stack(app, 'Shared', { env });
  const key = new kms.Key(shared, 'BronzeKey', { enableKeyRotation: true });
  const bucket = new s3.Bucket(shared, 'Bronze', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Test placeholder for the bronze bucket.' });
  const secret = new secretsmanager.Secret(shared, 'AdminSecret');
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'Test placeholder for the admin secret.' });
  const copyRole = new iam.Role(shared, 'CopyRole', { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });
  const topic = new sns.Topic(shared, 'Alarms', { enforceSSL: true, masterKey: key });
  const stack = new Stack(app, 'Warehouse', { env });
  return { app, shared, stack, deps: { key, bucket, secret, copyRole, topic } };
}

export interface TestDeps {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly secret: secretsmanager.Secret;
  readonly copyRole: iam.Role;
  readonly topic: sns.Topic;
}

/** cdk-nag's unacknowledged findings, one `rule at path` per line (empty when clean). */
export function nagFindings(app: App): string[] {
  try {
    app.synth();
    return [];
  } catch (error) {
    const text = (error as Error).message;
    return text.split('\n').filter((line) => /AwsSolutions-/.test(line));
  }
}
