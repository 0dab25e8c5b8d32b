import { Stage, type StageProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ResolvedEnvironmentConfig } from '../config';
import { FoundationStack } from '../stacks/foundation-stack';
import { IngestionStack } from '../stacks/ingestion-stack';
import { MonitoringStack } from '../stacks/monitoring-stack';
import { WarehouseStack } from '../stacks/warehouse-stack';

export interface StreamflixStageProps extends StageProps {
  readonly config: ResolvedEnvironmentConfig;
}

/** Name of the project, as tagged on every resource. */
export const PROJECT_TAG = 'streamflix-warehouse';

/**
 * One environment: Foundation ← Ingestion, Foundation ← Warehouse, then Monitoring reading
 * both. Deploy or destroy it with `npx cdk deploy '<StageId>/*'`.
 */
export class StreamflixStage extends Stage {
  public readonly config: ResolvedEnvironmentConfig;
  public readonly foundation: FoundationStack;
  public readonly ingestion: IngestionStack;
  public readonly warehouse: WarehouseStack;
  public readonly monitoring: MonitoringStack;

  constructor(scope: Construct, id: string, props: StreamflixStageProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const common = { config, terminationProtection: config.terminationProtection };
    const describe = (what: string): string => `StreamFlix warehouse (${config.envName}): ${what}`;

    this.foundation = new FoundationStack(this, 'Foundation', {
      ...common,
      description: describe('data key, bronze and log buckets, alarm topic'),
    });
    const shared = {
      dataKey: this.foundation.dataKey,
      bronzeBucket: this.foundation.bronzeBucket,
      alarmTopic: this.foundation.alarmTopic,
    };
    this.ingestion = new IngestionStack(this, 'Ingestion', {
      ...common,
      ...shared,
      description: describe('Kinesis stream and Firehose delivery to bronze'),
    });
    this.warehouse = new WarehouseStack(this, 'Warehouse', {
      ...common,
      ...shared,
      logBucket: this.foundation.logBucket,
      description: describe('VPC, Redshift cluster, admin secret, COPY role, loading pipeline'),
    });
    this.monitoring = new MonitoringStack(this, 'Monitoring', {
      terminationProtection: config.terminationProtection,
      stream: this.ingestion.stream,
      deliveryStreamName: this.ingestion.deliveryStreamName,
      clusterIdentifier: this.warehouse.clusterIdentifier,
      alarms: [
        this.ingestion.eventStream.iteratorAgeAlarm,
        this.ingestion.eventStream.writeThrottleAlarm,
        this.ingestion.eventDelivery.freshnessAlarm,
        this.ingestion.eventDelivery.deliveryFailureAlarm,
        ...this.warehouse.alarms,
      ],
      loadMetrics: this.warehouse.loadMetrics,
      referenceMetrics: this.warehouse.referenceMetrics,
      freshnessLagMetric: this.warehouse.freshnessLagMetric,
      quarantineAlarm: this.warehouse.quarantineAlarm,
      description: describe('operations dashboard'),
    });

    // Tagged once, here. Dashboards are left out: cfn-lint's CloudFormation schema has no Tags for them yet.
    const tagOptions = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
    Tags.of(this).add('project', PROJECT_TAG, tagOptions);
    Tags.of(this).add('environment', config.envName, tagOptions);
    Tags.of(this).add('owner', config.owner, tagOptions);
  }
}
