import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ResolvedEnvironmentConfig } from '../config';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { AlarmTopic } from '../constructs/alarm-topic';
import { BronzeBucket } from '../constructs/bronze-bucket';

export interface FoundationStackProps extends StackProps {
  readonly config: ResolvedEnvironmentConfig;
}

/**
 * The long-lived, data-bearing base every other stack builds on: the data key, the bronze
 * and log buckets, and the alarm topic. It references no other stack, so it never has to be
 * replaced to change ingestion or the warehouse.
 */
export class FoundationStack extends Stack {
  /** Encrypts the stream, the bronze bucket, the cluster and its admin secret. */
  public readonly dataKey: kms.IKey;
  public readonly bronzeBucket: s3.IBucket;
  /** S3 server access logs and Redshift audit logs (SSE-S3, as both services require). */
  public readonly logBucket: s3.IBucket;
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `StreamFlix ${config.envName}: stream, bronze bucket, Redshift and its admin secret`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
      // A key scheduled for deletion cannot be cancelled after the window; keep it long where data lives.
      pendingWindow: Duration.days(config.dataSurvivesDestroy ? 30 : 7),
    });

    const logs = new AccessLogBucket(this, 'LogBucket', {
      removalPolicy: config.removalPolicy,
      retention: config.logRetention,
    });
    logs.allowRedshiftAuditLogging();
    this.logBucket = logs.bucket;

    this.bronzeBucket = new BronzeBucket(this, 'BronzeBucket', {
      encryptionKey: this.dataKey,
      accessLogsBucket: logs.bucket,
      accessLogsPrefix: `${AccessLogBucket.S3_ACCESS_PREFIX}bronze/`,
      lifecycle: config.bronzeLifecycle,
      removalPolicy: config.removalPolicy,
    }).bucket;

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { email: config.alarms.email }).topic;
  }
}
