import { Aws, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DeliveryConfig } from '../config';
import { notify } from './alarm-topic';
import { BronzeBucket } from './bronze-bucket';
import { acknowledgeWildcardResource } from './nag';

export interface EventDeliveryProps {
  /** The source stream. */
  readonly stream: kinesis.IStream;
  /** The bronze bucket; events land under `events/`, failures under `errors/`. */
  readonly bucket: s3.IBucket;
  /** Key of the bronze bucket. */
  readonly bucketKey: kms.IKey;
  readonly buffering: DeliveryConfig;
  readonly logRetention: logs.RetentionDays;
  /** Applied to the delivery log group. */
  readonly removalPolicy: RemovalPolicy;
  readonly alarmTopic: sns.ITopic;
  /** Alarm when the oldest record not yet in S3 is older than this. */
  readonly freshnessThreshold: Duration;
}

/** Firehose prefix: one folder per arrival day (UTC), which the sessionizer lists. */
export const EVENTS_S3_PREFIX = `${BronzeBucket.EVENTS_PREFIX}dt=!{timestamp:yyyy-MM-dd}/`;
/** Firehose error prefix: split by failure kind, then by day. */
export const ERRORS_S3_PREFIX = `${BronzeBucket.ERRORS_PREFIX}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;

/**
 * Firehose from the event stream to the bronze bucket: one event per line (a newline is
 * appended to every record), GZIP objects, delivery errors logged to CloudWatch.
 * L1: chosen when the L2 had no AppendDelimiterToRecord processor (it has one now), and
 * kept for its hand-written least-privilege role and a stable logical id (docs I3).
 */
export class EventDelivery extends Construct {
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly freshnessAlarm: cloudwatch.Alarm;
  public readonly deliveryFailureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventDeliveryProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const logStream = this.logGroup.addStream('S3Delivery');

    this.role = new iam.Role(this, 'Role', {
      description: 'Firehose: read the event stream, write the bronze bucket',
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
    });
    // A separate policy, so that the delivery stream can wait for it: Firehose checks its permissions on creation.
    const policy = new iam.Policy(this, 'Policy', { statements: this.permissions(props, logStream) });
    policy.attachToRole(this.role);
    for (const prefix of [BronzeBucket.EVENTS_PREFIX, BronzeBucket.ERRORS_PREFIX]) {
      acknowledgeWildcardResource(
        policy,
        props.bucket.arnForObjects(`${prefix}*`),
        'Firehose writes objects with generated names under its own prefixes (events/, errors/); the wildcard is confined to those prefixes of the bronze bucket.',
      );
    }

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: {
        kinesisStreamArn: props.stream.streamArn,
        roleArn: this.role.roleArn,
      },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: EVENTS_S3_PREFIX,
        errorOutputPrefix: ERRORS_S3_PREFIX,
        bufferingHints: {
          intervalInSeconds: props.buffering.bufferInterval.toSeconds(),
          sizeInMBs: props.buffering.bufferSize.toMebibytes(),
        },
        compressionFormat: 'GZIP',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.bucketKey.keyArn } },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'AppendDelimiterToRecord',
              parameters: [{ parameterName: 'Delimiter', parameterValue: '\\n' }],
            },
          ],
        },
        s3BackupMode: 'Disabled',
      },
    });
    this.deliveryStream.node.addDependency(policy);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason: 'Firehose accepts no server-side encryption setting when its source is a Kinesis stream; the source stream is encrypted with the data key and objects are written SSE-KMS with the same key.',
    });

    const dimensionsMap = { DeliveryStreamName: this.deliveryStream.ref };
    this.freshnessAlarm = new cloudwatch.Alarm(this, 'FreshnessAlarm', {
      alarmDescription: `Events are late reaching the bronze bucket: the oldest record not yet delivered is older than ${props.freshnessThreshold.toHumanString()}.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToS3.DataFreshness',
        dimensionsMap,
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: props.freshnessThreshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notify(this.freshnessAlarm, props.alarmTopic);

    this.deliveryFailureAlarm = new cloudwatch.Alarm(this, 'DeliveryFailureAlarm', {
      alarmDescription: 'Firehose failed to write to the bronze bucket (see its delivery log group); records retry, then land under errors/.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToS3.Success',
        dimensionsMap,
        statistic: 'Minimum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notify(this.deliveryFailureAlarm, props.alarmTopic);
  }

  /** Least privilege, after the Firehose developer guide: only the prefixes Firehose writes. */
  private permissions(props: EventDeliveryProps, logStream: logs.LogStream): iam.PolicyStatement[] {
    const { bucket, stream } = props;
    const streamKey = stream.encryptionKey
      ? [
          new iam.PolicyStatement({
            sid: 'DecryptStream',
            actions: ['kms:Decrypt'],
            resources: [stream.encryptionKey.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `kinesis.${Aws.REGION}.amazonaws.com` } },
          }),
        ]
      : [];
    return [
      ...streamKey,
      new iam.PolicyStatement({
        sid: 'ReadEventStream',
        actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
        resources: [stream.streamArn],
      }),
      new iam.PolicyStatement({
        sid: 'BronzeBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'BronzeObjects',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(`${BronzeBucket.EVENTS_PREFIX}*`), bucket.arnForObjects(`${BronzeBucket.ERRORS_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptObjects',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.bucketKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({
        sid: 'DeliveryLog',
        actions: ['logs:PutLogEvents'],
        resources: [
          `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
        ],
      }),
    ];
  }
}
