import { Duration, Size } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { EnvName, EnvironmentConfig } from './types';

const owner = 'data-platform';

/**
 * The three environments. Account and region are left out so that synth works offline with
 * no credentials (environment-agnostic stacks); pin them here or with `-c account=... -c region=...`.
 */
export const environments = {
  dev: {
    owner,
    dataSurvivesDestroy: false,
    terminationProtection: false,
    logRetention: RetentionDays.ONE_WEEK,
    stream: { capacityMode: StreamMode.PROVISIONED, shardCount: 1, retention: Duration.hours(24) },
    delivery: { bufferInterval: Duration.seconds(300), bufferSize: Size.mebibytes(5) },
    bronzeLifecycle: {
      infrequentAccessAfter: Duration.days(30),
      glacierAfter: Duration.days(60),
      expireAfter: Duration.days(90),
    },
    warehouse: {
      nodeType: 'ra3.xlplus',
      numberOfNodes: 1,
      port: 5441,
      snapshotRetention: Duration.days(1),
      adminSecretRotation: Duration.days(30),
      vpcCidr: '10.40.0.0/16',
    },
    sessionizer: {
      schedule: Duration.minutes(5),
      maxObjectsPerRun: 3,
      maxBytesPerRun: 256 * 1024 * 1024,
      freshnessLagThreshold: Duration.hours(2),
      quarantinedPercentThreshold: 10,
    },
    alarms: {
      email: 'streamflix-dev-alerts@example.com',
      iteratorAgeThreshold: Duration.minutes(15),
      deliveryFreshnessThreshold: Duration.minutes(15),
      diskUsedPercentThreshold: 85,
    },
  },
  staging: {
    owner,
    dataSurvivesDestroy: false,
    terminationProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    stream: { capacityMode: StreamMode.ON_DEMAND, retention: Duration.hours(48) },
    delivery: { bufferInterval: Duration.seconds(300), bufferSize: Size.mebibytes(64) },
    bronzeLifecycle: {
      infrequentAccessAfter: Duration.days(30),
      glacierAfter: Duration.days(90),
      expireAfter: Duration.days(365),
    },
    warehouse: {
      nodeType: 'ra3.xlplus',
      numberOfNodes: 2,
      port: 5441,
      snapshotRetention: Duration.days(7),
      adminSecretRotation: Duration.days(30),
      vpcCidr: '10.41.0.0/16',
    },
    sessionizer: {
      schedule: Duration.minutes(5),
      maxObjectsPerRun: 3,
      maxBytesPerRun: 1024 * 1024 * 1024,
      freshnessLagThreshold: Duration.hours(1),
      quarantinedPercentThreshold: 5,
    },
    alarms: {
      email: 'streamflix-staging-alerts@example.com',
      iteratorAgeThreshold: Duration.minutes(10),
      deliveryFreshnessThreshold: Duration.minutes(15),
      diskUsedPercentThreshold: 80,
    },
  },
  prod: {
    owner,
    dataSurvivesDestroy: true,
    terminationProtection: true,
    logRetention: RetentionDays.ONE_YEAR,
    stream: { capacityMode: StreamMode.ON_DEMAND, retention: Duration.days(7) },
    delivery: { bufferInterval: Duration.seconds(300), bufferSize: Size.mebibytes(128) },
    bronzeLifecycle: {
      infrequentAccessAfter: Duration.days(60),
      glacierAfter: Duration.days(180),
    },
    warehouse: {
      nodeType: 'ra3.4xlarge',
      numberOfNodes: 2,
      port: 5441,
      snapshotRetention: Duration.days(35),
      adminSecretRotation: Duration.days(30),
      vpcCidr: '10.42.0.0/16',
    },
    sessionizer: {
      schedule: Duration.minutes(5),
      maxObjectsPerRun: 3,
      maxBytesPerRun: 2 * 1024 * 1024 * 1024,
      freshnessLagThreshold: Duration.minutes(30),
      quarantinedPercentThreshold: 2,
    },
    alarms: {
      email: 'streamflix-prod-alerts@example.com',
      iteratorAgeThreshold: Duration.minutes(5),
      deliveryFreshnessThreshold: Duration.minutes(10),
      diskUsedPercentThreshold: 75,
    },
  },
} satisfies Record<EnvName, EnvironmentConfig>;
