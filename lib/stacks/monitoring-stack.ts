import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { OperationsDashboard } from '../constructs/operations-dashboard';

export interface MonitoringStackProps extends StackProps {
  readonly stream: kinesis.IStream;
  readonly deliveryStreamName: string;
  readonly clusterIdentifier: string;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The sessionizer's per-run reconciliation counts. */
  readonly loadMetrics: readonly cloudwatch.IMetric[];
  /** The sessionizer's per-run reference-feed line counts (read, quarantined). */
  readonly referenceMetrics: readonly cloudwatch.IMetric[];
  /** The sessionizer's freshness lag (now − watermark), seconds. */
  readonly freshnessLagMetric: cloudwatch.IMetric;
  /** The sessionizer's alarm on the share of lines quarantined, graphed with its threshold. */
  readonly quarantineAlarm: cloudwatch.IAlarm;
}

/**
 * The dashboard. It reads from the ingestion and warehouse stacks and nothing reads from it,
 * so it sits last and can change freely. Alarms live beside their resources; the alarm topic
 * lives in the foundation stack so that every stack can notify it.
 */
export class MonitoringStack extends Stack {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.dashboard = new OperationsDashboard(this, 'Operations', {
      stream: props.stream,
      deliveryStreamName: props.deliveryStreamName,
      clusterIdentifier: props.clusterIdentifier,
      alarms: props.alarms,
      loadMetrics: props.loadMetrics,
      referenceMetrics: props.referenceMetrics,
      freshnessLagMetric: props.freshnessLagMetric,
      quarantineAlarm: props.quarantineAlarm,
    }).dashboard;
  }
}
