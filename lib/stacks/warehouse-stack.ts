import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as redshift from 'aws-cdk-lib/aws-redshift';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct, IDependable } from 'constructs';
import type { ResolvedEnvironmentConfig } from '../config';
import { listingLookback } from '../config/listing-lookback';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { CopyRole } from '../constructs/copy-role';
import { RedshiftCluster } from '../constructs/redshift-cluster';
import { SchemaMigrations } from '../constructs/schema-migrations';
import { Sessionizer } from '../constructs/sessionizer';
import { WarehouseNetwork } from '../constructs/warehouse-network';

export interface WarehouseStackProps extends StackProps {
  readonly config: ResolvedEnvironmentConfig;
  /** From the foundation stack. */
  readonly dataKey: kms.IKey;
  readonly bronzeBucket: s3.IBucket;
  readonly logBucket: s3.IBucket;
  readonly alarmTopic: sns.ITopic;
}

/** The database every environment creates; the `streamflix` schema is created by the migrations. */
export const DATABASE_NAME = 'streamflix';

/**
 * The VPC, the Redshift cluster, its admin secret and COPY role — and everything that loads
 * the cluster (sessionizer, schema migrations), which gets all it needs from the public
 * properties below. Resources from the foundation stack arrive as props and are only ever
 * granted to from here (policies on this stack's roles), so nothing in this stack can create
 * a reference back into the foundation stack, and no cycle is possible.
 */
export class WarehouseStack extends Stack {
  /** The validated environment configuration (sessionizer schedule and limits, log retention, removal policy…). */
  public readonly config: ResolvedEnvironmentConfig;
  public readonly vpc: ec2.IVpc;
  /** Isolated subnets of `vpc`. */
  public readonly vpcSubnets: ec2.SubnetSelection;
  /** The L1 cluster. */
  public readonly cluster: redshift.CfnCluster;
  /** Cluster created, admin secret attached and its rotation scheduled: make SQL clients depend on it. */
  public readonly clusterReady: IDependable;
  /** Redshift cluster identifier (Data API `ClusterIdentifier`). */
  public readonly clusterIdentifier: string;
  /** `arn:…:redshift:<region>:<account>:cluster:<id>`, for IAM policies of Data API callers. */
  public readonly clusterArn: string;
  public readonly clusterEndpointAddress: string;
  public readonly clusterPort: number;
  /** Allow ingress here for anything that must connect to the cluster from inside the VPC. */
  public readonly clusterSecurityGroup: ec2.ISecurityGroup;
  /** `streamflix`. */
  public readonly databaseName: string;
  /** Admin credentials (Data API `SecretArn`); `grantRead` also grants decrypt on its key. */
  public readonly adminSecret: secretsmanager.ISecret;
  public readonly bronzeBucket: s3.IBucket;
  /** Key of the bronze bucket (also encrypts the cluster and the admin secret). */
  public readonly bronzeKey: kms.IKey;
  /** Attached to the cluster: use its ARN in `COPY … IAM_ROLE '<arn>'`. Reads the bronze bucket only. */
  public readonly copyRole: iam.IRole;
  public readonly alarmTopic: sns.ITopic;
  /** Every alarm of this stack, for the dashboard. */
  public readonly alarms: cloudwatch.IAlarm[] = [];
  /** What each load reconciles (lines read = loaded + duplicates + quarantined), for the dashboard. */
  public readonly loadMetrics: readonly cloudwatch.IMetric[];
  /** Reference-feed (catalog, users) lines read and quarantined per load: outside the four counts above. */
  public readonly referenceMetrics: readonly cloudwatch.IMetric[];
  /** Seconds between now and the warehouse watermark, as of each sessionizer run. */
  public readonly freshnessLagMetric: cloudwatch.IMetric;
  /** The share of an hour's lines quarantined, against its threshold (for the dashboard's graph of it). */
  public readonly quarantineAlarm: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    this.bronzeBucket = props.bronzeBucket;
    this.bronzeKey = props.dataKey;
    this.alarmTopic = props.alarmTopic;
    this.databaseName = DATABASE_NAME;

    const network = new WarehouseNetwork(this, 'Network', {
      cidr: config.warehouse.vpcCidr,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.vpc = network.vpc;
    this.vpcSubnets = network.subnetSelection;

    this.copyRole = new CopyRole(this, 'CopyRole', { bucket: props.bronzeBucket, bucketKey: props.dataKey }).role;

    const redshiftCluster = new RedshiftCluster(this, 'Redshift', {
      warehouse: config.warehouse,
      databaseName: DATABASE_NAME,
      vpc: this.vpc,
      subnets: this.vpcSubnets,
      secretsManagerEndpoint: network.secretsManagerEndpoint,
      encryptionKey: props.dataKey,
      roles: [this.copyRole],
      auditLogBucket: props.logBucket,
      auditLogPrefix: AccessLogBucket.REDSHIFT_AUDIT_PREFIX,
      dataSurvivesDestroy: config.dataSurvivesDestroy,
      alarmTopic: props.alarmTopic,
      diskUsedPercentThreshold: config.alarms.diskUsedPercentThreshold,
    });
    this.cluster = redshiftCluster.cluster;
    this.clusterReady = redshiftCluster.ready;
    this.clusterIdentifier = redshiftCluster.clusterIdentifier;
    this.clusterArn = this.formatArn({ service: 'redshift', resource: 'cluster', resourceName: this.clusterIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.clusterEndpointAddress = redshiftCluster.cluster.attrEndpointAddress;
    this.clusterPort = redshiftCluster.port;
    this.clusterSecurityGroup = redshiftCluster.securityGroup;
    this.adminSecret = redshiftCluster.adminSecret;
    this.alarms.push(redshiftCluster.healthAlarm, redshiftCluster.diskUsedAlarm);

    const sessionizer = this.addPipeline();
    const period = config.sessionizer.schedule;
    this.loadMetrics = (['linesRead', 'eventsLoaded', 'duplicates', 'quarantined'] as const).map((name) =>
      sessionizer.metric(name, { period }),
    );
    this.referenceMetrics = (['referenceLinesRead', 'referenceQuarantined'] as const).map((name) => sessionizer.metric(name, { period }));
    this.freshnessLagMetric = sessionizer.metric('freshnessLag', { statistic: cloudwatch.Stats.MAXIMUM, period });
    this.quarantineAlarm = sessionizer.quarantineAlarm;
  }

  /**
   * The loading pipeline: migrations applied at deploy time, then the scheduled sessionizer,
   * whose schedule depends on the migrations so that no load runs before the schema exists.
   * Both grant to their own roles only (never to the foundation stack's bucket or key
   * policies), which keeps the stacks free of reference cycles.
   */
  private addPipeline(): Sessionizer {
    const db = { clusterIdentifier: this.clusterIdentifier, database: this.databaseName, adminSecret: this.adminSecret };
    const common = { logRetention: this.config.logRetention, removalPolicy: this.config.removalPolicy };
    const migrations = new SchemaMigrations(this, 'SchemaMigrations', {
      ...db,
      ...common,
      clusterReady: this.clusterReady,
      dropSchemaOnDelete: !this.config.dataSurvivesDestroy,
    });
    const sessionizer = new Sessionizer(this, 'Sessionizer', {
      ...db,
      ...common,
      schemaReady: migrations,
      bronzeBucket: this.bronzeBucket,
      bronzeKey: this.bronzeKey,
      copyRole: this.copyRole,
      alarmTopic: this.alarmTopic,
      ...this.config.sessionizer,
      listingLookback: listingLookback(this.config),
    });
    this.alarms.push(...sessionizer.alarms);
    return sessionizer;
  }
}
