import { Duration, Size } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { describe, expect, it } from 'vitest';
import { type EnvName, type EnvironmentConfig, environments, validateEnvironmentConfig } from '../../../lib/config';
import { maxObjectsPerLoad } from '../../../pipeline/load';

/** A valid dev config with one part replaced. */
function dev(patch: (c: EnvironmentConfig) => Partial<EnvironmentConfig>): EnvironmentConfig {
  const base: EnvironmentConfig = environments.dev;
  return { ...base, ...patch(base) };
}

function problemsOf(config: EnvironmentConfig, envName: EnvName = 'dev'): string[] {
  return validateEnvironmentConfig(envName, config);
}

describe('validateEnvironmentConfig', () => {
  it.each(['dev', 'staging', 'prod'] as const)('accepts the committed %s config', (envName) => {
    expect(problemsOf(environments[envName], envName)).toEqual([]);
  });

  it('refuses a prod that would delete its data on destroy', () => {
    expect(problemsOf({ ...environments.prod, dataSurvivesDestroy: false }, 'prod')).toEqual([
      expect.stringMatching(/^dataSurvivesDestroy: prod would delete its data.*set dataSurvivesDestroy to true$/),
    ]);
  });

  it('refuses a prod without termination protection', () => {
    expect(problemsOf({ ...environments.prod, terminationProtection: false }, 'prod')).toEqual([
      expect.stringMatching(/^terminationProtection: .*set terminationProtection to true$/),
    ]);
  });

  it('refuses a malformed account id', () => {
    expect(problemsOf(dev(() => ({ account: '1234' })))).toEqual([expect.stringMatching(/^account: '1234' is not an AWS account id; use the 12-digit id/)]);
  });

  it('refuses a malformed region', () => {
    expect(problemsOf(dev(() => ({ region: 'Ireland' })))).toEqual([expect.stringMatching(/^region: 'Ireland' is not an AWS region name/)]);
  });

  it('refuses a shard count below 1', () => {
    expect(problemsOf(dev((c) => ({ stream: { ...c.stream, shardCount: 0 } })))).toEqual([
      expect.stringMatching(/^stream\.shardCount: 0 is below 1 .*1 or more$/),
    ]);
  });

  it('refuses a provisioned stream without a shard count', () => {
    expect(problemsOf(dev((c) => ({ stream: { ...c.stream, shardCount: undefined } })))).toEqual([
      expect.stringMatching(/^stream\.shardCount: a PROVISIONED stream needs a shard count/),
    ]);
  });

  it('refuses on-demand mode with shards set', () => {
    expect(problemsOf(dev((c) => ({ stream: { ...c.stream, capacityMode: StreamMode.ON_DEMAND, shardCount: 2 } })))).toEqual([
      expect.stringMatching(/^stream\.shardCount: an ON_DEMAND stream scales by itself; remove shardCount/),
    ]);
  });

  it('refuses a stream retention outside 24 hours to 365 days', () => {
    expect(problemsOf(dev((c) => ({ stream: { ...c.stream, retention: Duration.hours(12) } })))).toEqual([
      expect.stringMatching(/^stream\.retention: .*use whole hours from 24 hours to 365 days$/),
    ]);
  });

  it('refuses a Firehose buffer interval over 900 seconds', () => {
    expect(problemsOf(dev((c) => ({ delivery: { ...c.delivery, bufferInterval: Duration.minutes(20) } })))).toEqual([
      expect.stringMatching(/^delivery\.bufferInterval: .*use whole seconds from 0 to 900$/),
      // the freshness threshold (15 min) is now shorter than the buffer: reported too
      expect.stringMatching(/^alarms\.deliveryFreshnessThreshold: /),
    ]);
  });

  it('refuses a Firehose buffer size over 128 MiB', () => {
    expect(problemsOf(dev((c) => ({ delivery: { ...c.delivery, bufferSize: Size.mebibytes(256) } })))).toEqual([
      expect.stringMatching(/^delivery\.bufferSize: 256 MiB .*use whole MiB from 1 to 128$/),
    ]);
  });

  it('refuses a move to Infrequent Access before 30 days', () => {
    expect(problemsOf(dev((c) => ({ bronzeLifecycle: { ...c.bronzeLifecycle, infrequentAccessAfter: Duration.days(10) } })))).toEqual([
      expect.stringMatching(/^bronzeLifecycle\.infrequentAccessAfter: 10 days is too early/),
    ]);
  });

  it('refuses a move to Glacier less than 30 days after Infrequent Access', () => {
    expect(problemsOf(dev((c) => ({ bronzeLifecycle: { ...c.bronzeLifecycle, glacierAfter: Duration.days(45) } })))).toEqual([
      expect.stringMatching(/^bronzeLifecycle\.glacierAfter: 45 days must be at least 30 days after infrequentAccessAfter/),
    ]);
  });

  it('refuses an expiry before the transitions', () => {
    expect(problemsOf(dev((c) => ({ bronzeLifecycle: { ...c.bronzeLifecycle, expireAfter: Duration.days(45) } })))).toEqual([
      expect.stringMatching(/^bronzeLifecycle\.expireAfter: 45 days expires objects before the transitions \(30 and 60 days\)/),
    ]);
  });

  it('refuses a lifecycle step that is not a whole number of days', () => {
    expect(problemsOf(dev((c) => ({ bronzeLifecycle: { ...c.bronzeLifecycle, expireAfter: Duration.hours(2200) } })))).toEqual([
      expect.stringMatching(/^bronzeLifecycle\.expireAfter: S3 lifecycle counts whole days; use Duration\.days\(n\)$/),
    ]);
  });

  it('refuses a retired node type such as dc2.large', () => {
    const warehouse = { ...environments.dev.warehouse, nodeType: 'dc2.large' } as unknown as EnvironmentConfig['warehouse'];
    expect(problemsOf(dev(() => ({ warehouse })))).toEqual([expect.stringMatching(/^warehouse\.nodeType: 'dc2\.large' cannot be created .*use one of ra3\.large/)]);
  });

  it('refuses a single-node cluster of a type that needs two nodes', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, nodeType: 'ra3.4xlarge', numberOfNodes: 1 } })))).toEqual([
      expect.stringMatching(/^warehouse\.numberOfNodes: 1 nodes is not possible for ra3\.4xlarge; use 2 to 32 \(single-node clusters exist only for ra3\.xlplus\)$/),
    ]);
  });

  it('refuses the default Redshift port', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, port: 5439 } })))).toEqual([
      expect.stringMatching(/^warehouse\.port: 5439 is the default Redshift port; pick another one/),
    ]);
  });

  it('refuses a port RA3 clusters do not accept', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, port: 6000 } })))).toEqual([
      expect.stringMatching(/^warehouse\.port: 6000 is not accepted by RA3 clusters/),
    ]);
  });

  it('refuses a snapshot retention over 35 days', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, snapshotRetention: Duration.days(40) } })))).toEqual([
      expect.stringMatching(/^warehouse\.snapshotRetention: .*use whole days from 1 to 35$/),
    ]);
  });

  it('refuses a secret rotation shorter than 4 hours', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, adminSecretRotation: Duration.hours(1) } })))).toEqual([
      expect.stringMatching(/^warehouse\.adminSecretRotation: .*use 4 hours to 1000 days$/),
    ]);
  });

  it('refuses a public VPC range', () => {
    expect(problemsOf(dev((c) => ({ warehouse: { ...c.warehouse, vpcCidr: '8.8.0.0/16' } })))).toEqual([
      expect.stringMatching(/^warehouse\.vpcCidr: '8\.8\.0\.0\/16' is not a private \/16 to \/24 range/),
    ]);
  });

  it('refuses a schedule shorter than one minute', () => {
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, schedule: Duration.seconds(30) } })))).toEqual([
      expect.stringMatching(/^sessionizer\.schedule: 30 seconds is shorter than one minute, the shortest schedule; use Duration\.minutes\(1\) or more$/),
    ]);
  });

  it('refuses a schedule that is not whole minutes', () => {
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, schedule: Duration.seconds(90) } })))).toEqual([
      expect.stringMatching(/^sessionizer\.schedule: .*not a whole number of minutes/),
    ]);
  });

  it('refuses zero objects per run', () => {
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, maxObjectsPerRun: 0 } })))).toEqual([
      expect.stringMatching(/^sessionizer\.maxObjectsPerRun: 0 would load nothing/),
    ]);
  });

  it('refuses a schedule whose runs load fewer objects than Firehose writes between them', () => {
    const slow = dev((c) => ({ sessionizer: { ...c.sessionizer, schedule: Duration.minutes(30), maxObjectsPerRun: 3 }, delivery: { ...c.delivery, bufferInterval: Duration.minutes(2) } }));
    expect(problemsOf(slow)).toEqual([
      expect.stringMatching(/^sessionizer\.schedule: Firehose writes an object every 2 minutes or more often, so 15 arrive between runs every 30 minutes .*more than maxObjectsPerRun 3; shorten the schedule/),
    ]);
  });

  it('refuses runs that load only as many objects as steady traffic brings: a backlog would never drain', () => {
    const even = dev((c) => ({ sessionizer: { ...c.sessionizer, schedule: Duration.minutes(15), maxObjectsPerRun: 3 }, delivery: { ...c.delivery, bufferInterval: Duration.minutes(5) } }));
    expect(problemsOf(even)).toEqual([expect.stringMatching(/^sessionizer\.schedule: .*so 3 arrive between runs .*must load 2 times that/)]);
  });

  it('accepts runs that load twice what steady traffic brings', () => {
    const twice = dev((c) => ({ sessionizer: { ...c.sessionizer, schedule: Duration.minutes(5), maxObjectsPerRun: 2 }, delivery: { ...c.delivery, bufferInterval: Duration.minutes(5) } }));
    expect(problemsOf(twice)).toEqual([]);
  });

  it('refuses more objects per run than one load transaction holds', () => {
    const tooMany = maxObjectsPerLoad() + 1;
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, maxObjectsPerRun: tooMany } })))).toEqual([
      expect.stringMatching(new RegExp(`^sessionizer\\.maxObjectsPerRun: ${tooMany} objects do not fit in one load transaction.*set ${tooMany - 1} or less`)),
    ]);
  });

  it('refuses zero bytes per run', () => {
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, maxBytesPerRun: 0 } })))).toEqual([
      expect.stringMatching(/^sessionizer\.maxBytesPerRun: 0 would load nothing/),
    ]);
  });

  it('refuses a freshness-lag threshold not longer than the schedule', () => {
    expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, freshnessLagThreshold: c.sessionizer.schedule } })))).toEqual([
      expect.stringMatching(/^sessionizer\.freshnessLagThreshold: .*make it longer than the schedule$/),
    ]);
  });

  it('refuses a quarantine alarm threshold that is not a percentage above 0', () => {
    for (const quarantinedPercentThreshold of [0, 101, Number.NaN]) {
      expect(problemsOf(dev((c) => ({ sessionizer: { ...c.sessionizer, quarantinedPercentThreshold } })))).toEqual([
        expect.stringMatching(/^sessionizer\.quarantinedPercentThreshold: .*use a percentage above 0, at most 100$/),
      ]);
    }
  });

  it('refuses an alarm address that is not an e-mail address', () => {
    expect(problemsOf(dev((c) => ({ alarms: { ...c.alarms, email: 'on-call' } })))).toEqual([
      expect.stringMatching(/^alarms\.email: 'on-call' is not an e-mail address/),
    ]);
  });

  it('refuses a disk alarm threshold outside 1 to 99 percent', () => {
    expect(problemsOf(dev((c) => ({ alarms: { ...c.alarms, diskUsedPercentThreshold: 120 } })))).toEqual([
      expect.stringMatching(/^alarms\.diskUsedPercentThreshold: 120 .*use 1 to 99$/),
    ]);
  });

  it('refuses an iterator-age threshold under one minute', () => {
    expect(problemsOf(dev((c) => ({ alarms: { ...c.alarms, iteratorAgeThreshold: Duration.seconds(10) } })))).toEqual([
      expect.stringMatching(/^alarms\.iteratorAgeThreshold: /),
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const config = dev((c) => ({ stream: { ...c.stream, shardCount: 0 }, warehouse: { ...c.warehouse, port: 5439 } }));
    expect(problemsOf(config)).toHaveLength(2);
  });
});
