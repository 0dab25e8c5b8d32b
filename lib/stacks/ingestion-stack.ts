import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ResolvedEnvironmentConfig } from '../config';
import { EventDelivery } from '../constructs/event-delivery';
import { EventStream } from '../constructs/event-stream';

export interface IngestionStackProps extends StackProps {
  readonly config: ResolvedEnvironmentConfig;
  readonly dataKey: kms.IKey;
  readonly bronzeBucket: s3.IBucket;
  readonly alarmTopic: sns.ITopic;
}

/** Apps → Kinesis → Firehose → bronze. Stateless apart from the stream's short retention. */
export class IngestionStack extends Stack {
  public readonly stream: kinesis.IStream;
  /** Name of the Firehose delivery stream (for metrics). */
  public readonly deliveryStreamName: string;
  public readonly eventStream: EventStream;
  public readonly eventDelivery: EventDelivery;

  constructor(scope: Construct, id: string, props: IngestionStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.eventStream = new EventStream(this, 'EventStream', {
      stream: config.stream,
      encryptionKey: props.dataKey,
      removalPolicy: config.removalPolicy,
      alarmTopic: props.alarmTopic,
      iteratorAgeThreshold: config.alarms.iteratorAgeThreshold,
    });
    this.stream = this.eventStream.stream;

    this.eventDelivery = new EventDelivery(this, 'EventDelivery', {
      stream: this.stream,
      bucket: props.bronzeBucket,
      bucketKey: props.dataKey,
      buffering: config.delivery,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      alarmTopic: props.alarmTopic,
      freshnessThreshold: config.alarms.deliveryFreshnessThreshold,
    });
    this.deliveryStreamName = this.eventDelivery.deliveryStream.ref;
  }
}
