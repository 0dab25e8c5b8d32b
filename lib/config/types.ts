import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The deployable environments. Closed on purpose: a new one is a code change, reviewed. */
export const ENV_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

/** Redshift node types that can still be created (DC2 is no longer available for new clusters). */
export type RedshiftNodeType = 'ra3.large' | 'ra3.xlplus' | 'ra3.4xlarge' | 'ra3.16xlarge';

/** The Kinesis data stream that the apps write viewing events to. */
export interface StreamConfig {
  /** `ON_DEMAND` scales by itself; `PROVISIONED` needs `shardCount`. */
  readonly capacityMode: StreamMode;
  /**
   * Number of shards; only with `PROVISIONED`.
   * @default - none (required for `PROVISIONED`, forbidden for `ON_DEMAND`)
   */
  readonly shardCount?: number;
  /** How long records stay readable in the stream (24 hours to 365 days). */
  readonly retention: Duration;
}

/** Firehose buffering: an object is written when either limit is reached. */
export interface DeliveryConfig {
  /** 0 to 900 seconds. */
  readonly bufferInterval: Duration;
  /** 1 to 128 MiB. */
  readonly bufferSize: Size;
}

/** Storage classes of the bronze bucket over time (measured from object creation). */
export interface BronzeLifecycleConfig {
  /** Move to S3 Standard-IA; at least 30 days. */
  readonly infrequentAccessAfter: Duration;
  /** Move to S3 Glacier Flexible Retrieval; at least 30 days after `infrequentAccessAfter`. */
  readonly glacierAfter: Duration;
  /**
   * Delete; after both transitions.
   * @default - objects are kept forever
   */
  readonly expireAfter?: Duration;
}

/** The provisioned Redshift cluster. */
export interface WarehouseConfig {
  readonly nodeType: RedshiftNodeType;
  /** 1 makes a single-node cluster (only ra3.xlplus); 2 or more a multi-node one. */
  readonly numberOfNodes: number;
  /** A non-default port; RA3 accepts 5431–5455 or 8191–8215, and 5439 is the default. */
  readonly port: number;
  /** Automated snapshot retention, 1 to 35 days. */
  readonly snapshotRetention: Duration;
  /** How often the admin secret is rotated, 4 hours to 1000 days. */
  readonly adminSecretRotation: Duration;
  /** CIDR of the warehouse VPC, a /16 to /24 private range. */
  readonly vpcCidr: string;
}

/** Read by the sessionizer construct (lib/constructs/sessionizer*). */
export interface SessionizerConfig {
  /** How often a load runs; whole minutes, at least one. */
  readonly schedule: Duration;
  /** Upper bound on bronze objects taken by one load (one Data API transaction holds at most 40 statements). */
  readonly maxObjectsPerRun: number;
  /** Upper bound on the compressed bytes taken by one load. */
  readonly maxBytesPerRun: number;
  /** Alarm when the newest loaded data is older than this; longer than `schedule`. */
  readonly freshnessLagThreshold: Duration;
  /**
   * Alarm when more than this percentage of an hour's event lines, or of its reference-feed
   * lines, were quarantined (a producer or exporter sending bad data); above 0, at most 100.
   */
  readonly quarantinedPercentThreshold: number;
}

/** Alarm thresholds and where alarms go. */
export interface AlarmsConfig {
  /** Subscribed to the alarm topic (the address must confirm the subscription). */
  readonly email: string;
  /** Kinesis GetRecords iterator age above which Firehose is falling behind. */
  readonly iteratorAgeThreshold: Duration;
  /** Firehose DeliveryToS3.DataFreshness above which delivery is late; longer than the buffer interval. */
  readonly deliveryFreshnessThreshold: Duration;
  /** Redshift PercentageDiskSpaceUsed above which to alarm, between 1 and 99. */
  readonly diskUsedPercentThreshold: number;
}

/** What one environment looks like, as written in lib/config/environments.ts. */
export interface EnvironmentConfig {
  /**
   * AWS account to deploy to; `-c account=...` overrides it.
   * @default - environment-agnostic: the account of the credentials used to deploy
   */
  readonly account?: string;
  /**
   * AWS region to deploy to; `-c region=...` overrides it.
   * @default - environment-agnostic: the region of the credentials used to deploy
   */
  readonly region?: string;
  /** Team that owns the environment, written to the `owner` tag. */
  readonly owner: string;
  /** True keeps buckets, keys, the stream, the secret and a final cluster snapshot on `cdk destroy`. */
  readonly dataSurvivesDestroy: boolean;
  /** CloudFormation termination protection on every stack of the environment. */
  readonly terminationProtection: boolean;
  /** Retention of the CloudWatch log groups and of the access/audit log bucket. */
  readonly logRetention: RetentionDays;
  readonly stream: StreamConfig;
  readonly delivery: DeliveryConfig;
  readonly bronzeLifecycle: BronzeLifecycleConfig;
  readonly warehouse: WarehouseConfig;
  readonly sessionizer: SessionizerConfig;
  readonly alarms: AlarmsConfig;
}

/** An environment after validation and context overrides: what stacks and constructs receive. */
export interface ResolvedEnvironmentConfig extends EnvironmentConfig {
  readonly envName: EnvName;
  /** Construct id of the environment's Stage (`Dev`, `Staging`, `Prod`). */
  readonly stageId: string;
  /** `RETAIN` when `dataSurvivesDestroy`, else `DESTROY`; apply it to every data-bearing resource. */
  readonly removalPolicy: RemovalPolicy;
}
