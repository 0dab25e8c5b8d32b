import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';

export interface OperationsDashboardProps {
  readonly stream: kinesis.IStream;
  readonly deliveryStreamName: string;
  readonly clusterIdentifier: string;
  /** Shown in an alarm-status row at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Lines read, loaded, duplicates and quarantined per load; they must add up. */
  readonly loadMetrics: readonly cloudwatch.IMetric[];
  /** Reference-feed lines read and quarantined per load (the event counts above leave them out). */
  readonly referenceMetrics: readonly cloudwatch.IMetric[];
  /** Now − watermark, seconds. */
  readonly freshnessLagMetric: cloudwatch.IMetric;
  /** The share of an hour's lines quarantined: graphed with its threshold, beside the counts. */
  readonly quarantineAlarm: cloudwatch.IAlarm;
}

const PERIOD = Duration.minutes(5);

/** One page for the on-call: alarm states, then the stream, delivery and warehouse in that order. */
export class OperationsDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const firehose = (metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
        statistic,
        period: PERIOD,
      });
    const redshift = (metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/Redshift',
        metricName,
        dimensionsMap: { ClusterIdentifier: props.clusterIdentifier },
        statistic,
        period: PERIOD,
      });
    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(12),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 })],
        [
          graph('Kinesis: incoming records', [props.stream.metricIncomingRecords({ statistic: 'Sum', period: PERIOD })]),
          graph('Kinesis: iterator age (ms)', [props.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: PERIOD })]),
          graph('Kinesis: write throttling', [props.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: PERIOD })]),
        ],
        [
          graph('Firehose: records delivered to S3', [firehose('DeliveryToS3.Records', 'Sum')]),
          graph('Firehose: data freshness (s)', [firehose('DeliveryToS3.DataFreshness', 'Maximum')]),
          graph('Firehose: delivery success (1 = all)', [firehose('DeliveryToS3.Success', 'Minimum')]),
        ],
        [
          graph('Redshift: health (1 = healthy)', [redshift('HealthStatus', 'Minimum')]),
          graph('Redshift: disk used (%)', [redshift('PercentageDiskSpaceUsed', 'Maximum')]),
          graph('Redshift: CPU (%) and connections', [redshift('CPUUtilization', 'Average'), redshift('DatabaseConnections', 'Maximum')]),
        ],
        [
          graph('Loads: event lines read, loaded, duplicates, quarantined', [...props.loadMetrics], 6),
          graph('Loads: reference-feed lines read, quarantined', [...props.referenceMetrics], 6),
          new cloudwatch.AlarmWidget({ title: 'Loads: lines quarantined (%) against the alarm', alarm: props.quarantineAlarm, width: 6, height: 6 }),
          graph('Loads: freshness lag (s)', [props.freshnessLagMetric], 6),
        ],
      ],
    });
  }
}
