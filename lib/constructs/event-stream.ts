import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StreamConfig } from '../config';
import { notify } from './alarm-topic';

export interface EventStreamProps {
  readonly stream: StreamConfig;
  /** Customer-managed key for server-side encryption. */
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly alarmTopic: sns.ITopic;
  /** Alarm when the oldest unread record is older than this. */
  readonly iteratorAgeThreshold: Duration;
}

/** The Kinesis stream the apps put viewing events on, with its alarms. */
export class EventStream extends Construct {
  public readonly stream: kinesis.Stream;
  public readonly iteratorAgeAlarm: cloudwatch.Alarm;
  public readonly writeThrottleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventStreamProps) {
    super(scope, id);
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode: props.stream.capacityMode,
      shardCount: props.stream.shardCount,
      retentionPeriod: props.stream.retention,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'A customer-managed key is required: one rotated key governs the whole event path (stream, bronze, warehouse) and can be retained with the data.',
    });

    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: `Firehose is falling behind the event stream: the oldest unread record is older than ${props.iteratorAgeThreshold.toHumanString()}.`,
      metric: this.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: props.iteratorAgeThreshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notify(this.iteratorAgeAlarm, props.alarmTopic);

    this.writeThrottleAlarm = new cloudwatch.Alarm(this, 'WriteThrottleAlarm', {
      alarmDescription: 'Producers are being throttled by the event stream; add shards or switch to on-demand.',
      metric: this.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notify(this.writeThrottleAlarm, props.alarmTopic);
  }
}
