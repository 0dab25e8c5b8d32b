import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { environments } from '../../../lib/config';
import { buildStage } from '../helpers/cdk-app';

let dev: Template;
let prod: Template;

beforeAll(() => {
  dev = Template.fromStack(buildStage('dev').ingestion);
  prod = Template.fromStack(buildStage('prod').ingestion);
});

type Resource = { Properties: Record<string, any>; DeletionPolicy?: string };
const only = (template: Template, type: string): Resource => {
  const resources = Object.values(template.findResources(type)) as Resource[];
  expect(resources).toHaveLength(1);
  return resources[0] as Resource;
};
const s3Destination = (template: Template): Record<string, any> =>
  only(template, 'AWS::KinesisFirehose::DeliveryStream').Properties.ExtendedS3DestinationConfiguration;

describe('IngestionStack: Kinesis stream', () => {
  it('encrypts the stream with the customer-managed data key', () => {
    expect(only(dev, 'AWS::Kinesis::Stream').Properties.StreamEncryption).toEqual({
      EncryptionType: 'KMS',
      KeyId: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Dev-Foundation' }) },
    });
  });

  it('provisions the dev stream with the configured shards and retention', () => {
    expect(only(dev, 'AWS::Kinesis::Stream').Properties).toMatchObject({
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: environments.dev.stream.shardCount,
      RetentionPeriodHours: 24,
    });
  });

  it('runs the prod stream on demand, without a shard count', () => {
    const { Properties } = only(prod, 'AWS::Kinesis::Stream');
    expect(Properties.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect(Properties.ShardCount).toBeUndefined();
    expect(Properties.RetentionPeriodHours).toBe(environments.prod.stream.retention.toHours());
  });

  it('deletes the stream on destroy in dev and keeps it in prod', () => {
    expect([only(dev, 'AWS::Kinesis::Stream').DeletionPolicy, only(prod, 'AWS::Kinesis::Stream').DeletionPolicy]).toEqual(['Delete', 'Retain']);
  });
});

describe('IngestionStack: Firehose', () => {
  it('reads the Kinesis stream', () => {
    const { Properties } = only(dev, 'AWS::KinesisFirehose::DeliveryStream');
    expect(Properties.DeliveryStreamType).toBe('KinesisStreamAsSource');
    expect(Properties.KinesisStreamSourceConfiguration.KinesisStreamARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EventStream/), 'Arn'] });
  });

  it('appends a newline to every record, so each event is one line', () => {
    expect(s3Destination(dev).ProcessingConfiguration).toEqual({
      Enabled: true,
      Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [{ ParameterName: 'Delimiter', ParameterValue: '\\n' }] }],
    });
  });

  it('writes GZIP objects under events/ partitioned by arrival date', () => {
    expect(s3Destination(dev)).toMatchObject({ CompressionFormat: 'GZIP', Prefix: 'events/dt=!{timestamp:yyyy-MM-dd}/' });
  });

  it('writes failed records under an error prefix split by error type', () => {
    expect(s3Destination(dev).ErrorOutputPrefix).toBe('errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/');
  });

  it('writes to the bronze bucket, encrypting with the data key', () => {
    const destination = s3Destination(dev);
    expect(destination.BucketARN).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Dev-Foundation' }) });
    expect(destination.EncryptionConfiguration).toEqual({ KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetStackOutput': expect.anything() } } });
  });

  it('buffers per the environment config', () => {
    expect(s3Destination(dev).BufferingHints).toEqual({ IntervalInSeconds: 300, SizeInMBs: 5 });
    expect(s3Destination(prod).BufferingHints).toEqual({ IntervalInSeconds: 300, SizeInMBs: 128 });
  });

  it('logs delivery errors to CloudWatch with the configured retention', () => {
    expect(s3Destination(dev).CloudWatchLoggingOptions).toMatchObject({ Enabled: true, LogGroupName: { Ref: expect.stringMatching(/^EventDeliveryLogGroup/) } });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('deletes its log group on destroy in dev only', () => {
    expect([only(dev, 'AWS::Logs::LogGroup').DeletionPolicy, only(prod, 'AWS::Logs::LogGroup').DeletionPolicy]).toEqual(['Delete', 'Retain']);
  });

  it('waits for its role policy before it is created', () => {
    const delivery = Object.values(dev.findResources('AWS::KinesisFirehose::DeliveryStream'))[0] as { DependsOn?: string[] };
    expect(delivery.DependsOn).toEqual([expect.stringMatching(/^EventDeliveryPolicy/)]);
  });

  it('grants Firehose no wildcard action and object access only under events/ and errors/', () => {
    const { Properties } = only(dev, 'AWS::IAM::Policy');
    const statements = Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const objects = statements.find((s) => [s.Action].flat().includes('s3:PutObject'));
    const suffixes = (objects?.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((r) => r['Fn::Join'][1][1]).sort();
    expect(suffixes).toEqual(['/errors/*', '/events/*']);
  });
});

describe('IngestionStack: Firehose key use', () => {
  const statement = (sid: string) =>
    (only(dev, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement as { Sid: string; Action: unknown; Condition?: unknown }[]).find((s) => s.Sid === sid);

  it('decrypts the stream only through Kinesis', () => {
    expect(statement('DecryptStream')).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['kinesis.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  it('encrypts objects only through S3', () => {
    expect(statement('EncryptObjects')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });
});

describe('IngestionStack: alarms', () => {
  const alarmOn = (metricName: string) =>
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      AlarmActions: [{ 'Fn::GetStackOutput': Match.objectLike({ StackName: 'Dev-Foundation' }) }],
    });

  it('alarms on the stream iterator age at the configured threshold', () => {
    alarmOn('GetRecords.IteratorAgeMilliseconds');
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Threshold: environments.dev.alarms.iteratorAgeThreshold.toMilliseconds(),
    });
  });

  it('alarms on write throttling', () => alarmOn('WriteProvisionedThroughputExceeded'));

  it('alarms on Firehose data freshness', () => alarmOn('DeliveryToS3.DataFreshness'));

  it('alarms on Firehose delivery failures', () => alarmOn('DeliveryToS3.Success'));
});
