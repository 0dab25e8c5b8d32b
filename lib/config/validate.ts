import { type Duration, SizeRoundingBehavior } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { maxObjectsPerLoad } from '../../pipeline/load';
import type { EnvName, EnvironmentConfig, RedshiftNodeType } from './types';

/** Thrown at synth when an environment's configuration cannot be deployed; lists every problem. */
export class ConfigValidationError extends Error {
  public readonly problems: readonly string[];

  /** @param source where the values came from, as the message names it */
  constructor(envName: string, problems: readonly string[], source = 'lib/config/environments.ts') {
    super(`Invalid configuration for environment '${envName}' (${source}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
    this.problems = problems;
  }
}

/** Node count limits per node type; single-node clusters exist only for ra3.xlplus. */
const NODE_LIMITS: Record<RedshiftNodeType, { readonly min: number; readonly max: number }> = {
  'ra3.large': { min: 2, max: 16 },
  'ra3.xlplus': { min: 1, max: 16 },
  'ra3.4xlarge': { min: 2, max: 32 },
  'ra3.16xlarge': { min: 2, max: 128 },
};

const DEFAULT_REDSHIFT_PORT = 5439;
const RA3_PORT_RANGES: readonly (readonly [number, number])[] = [
  [5431, 5455],
  [8191, 8215],
];

/**
 * How many times the objects steady traffic brings between two runs a run must be able to
 * load: Firehose writes more than one object per buffer interval when a buffer fills early
 * or its delivery scales out, and only spare room lets the runs after a burst catch up.
 */
const DRAIN_HEADROOM = 2;
const isWholeNumber = (n: number): boolean => Number.isInteger(n);
const days = (d: Duration): number => d.toSeconds({ integral: false }) / 86_400;

/** Returns one message per problem (empty when the configuration is valid). */
export function validateEnvironmentConfig(envName: EnvName, config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const problem = (path: string, message: string): void => {
    problems.push(`${path}: ${message}`);
  };

  if (config.account !== undefined && !/^\d{12}$/.test(config.account)) {
    problem('account', `'${config.account}' is not an AWS account id; use the 12-digit id or leave it unset`);
  }
  if (config.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) {
    problem('region', `'${config.region}' is not an AWS region name; use one like 'eu-west-1' or leave it unset`);
  }
  if (!/^[\w .:/=+@-]{1,256}$/.test(config.owner)) {
    problem('owner', 'must be 1 to 256 characters valid in a tag value (letters, digits, spaces and _ . : / = + - @)');
  }
  if (envName === 'prod' && !config.dataSurvivesDestroy) {
    problem('dataSurvivesDestroy', 'prod would delete its data on `cdk destroy`; set dataSurvivesDestroy to true');
  }
  if (envName === 'prod' && !config.terminationProtection) {
    problem('terminationProtection', 'prod stacks must be protected from deletion; set terminationProtection to true');
  }
  if (!(Object.values(RetentionDays) as unknown[]).includes(config.logRetention)) {
    problem('logRetention', `${String(config.logRetention)} is not a CloudWatch retention; use a RetentionDays value`);
  }

  validateStream(config, problem);
  validateDelivery(config, problem);
  validateLifecycle(config, problem);
  validateWarehouse(config, problem);
  validateSessionizer(config, problem);
  validateAlarms(config, problem);
  return problems;
}

type Report = (path: string, message: string) => void;

function validateStream({ stream }: EnvironmentConfig, problem: Report): void {
  if (stream.capacityMode === StreamMode.PROVISIONED) {
    if (stream.shardCount === undefined) {
      problem('stream.shardCount', 'a PROVISIONED stream needs a shard count; set shardCount to 1 or more');
    } else if (!isWholeNumber(stream.shardCount) || stream.shardCount < 1) {
      problem('stream.shardCount', `${stream.shardCount} is below 1 or fractional; set a whole number of shards, 1 or more`);
    }
  } else if (stream.shardCount !== undefined) {
    problem('stream.shardCount', 'an ON_DEMAND stream scales by itself; remove shardCount or use capacityMode PROVISIONED');
  }
  const hours = stream.retention.toHours({ integral: false });
  if (!isWholeNumber(hours) || hours < 24 || hours > 8760) {
    problem('stream.retention', `${stream.retention.toHumanString()} is outside Kinesis limits; use whole hours from 24 hours to 365 days`);
  }
}

function validateDelivery({ delivery }: EnvironmentConfig, problem: Report): void {
  const seconds = delivery.bufferInterval.toSeconds({ integral: false });
  if (!isWholeNumber(seconds) || seconds < 0 || seconds > 900) {
    problem('delivery.bufferInterval', `${delivery.bufferInterval.toHumanString()} is outside Firehose limits; use whole seconds from 0 to 900`);
  }
  const mib = delivery.bufferSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!isWholeNumber(mib) || mib < 1 || mib > 128) {
    problem('delivery.bufferSize', `${mib} MiB is outside Firehose limits; use whole MiB from 1 to 128`);
  }
}

function validateLifecycle({ bronzeLifecycle: l }: EnvironmentConfig, problem: Report): void {
  const ia = days(l.infrequentAccessAfter);
  const glacier = days(l.glacierAfter);
  const given: [string, Duration | undefined][] = [['infrequentAccessAfter', l.infrequentAccessAfter], ['glacierAfter', l.glacierAfter], ['expireAfter', l.expireAfter]];
  for (const [name, value] of given) {
    if (value !== undefined && !isWholeNumber(days(value))) problem(`bronzeLifecycle.${name}`, 'S3 lifecycle counts whole days; use Duration.days(n)');
  }
  if (ia < 30) {
    problem('bronzeLifecycle.infrequentAccessAfter', `${ia} days is too early; S3 moves objects to Standard-IA after 30 days at the soonest`);
  }
  if (glacier < ia + 30) {
    problem('bronzeLifecycle.glacierAfter', `${glacier} days must be at least 30 days after infrequentAccessAfter (${ia} days); S3 keeps objects in Standard-IA for 30 days`);
  }
  if (l.expireAfter !== undefined && days(l.expireAfter) <= Math.max(ia, glacier)) {
    problem('bronzeLifecycle.expireAfter', `${days(l.expireAfter)} days expires objects before the transitions (${ia} and ${glacier} days); expire after ${Math.max(ia, glacier)} days or drop the transitions`);
  }
}

function validateWarehouse({ warehouse: w }: EnvironmentConfig, problem: Report): void {
  const limits = NODE_LIMITS[w.nodeType] as (typeof NODE_LIMITS)[RedshiftNodeType] | undefined;
  if (limits === undefined) {
    problem('warehouse.nodeType', `'${String(w.nodeType)}' cannot be created (DC2 and older types are retired); use one of ${Object.keys(NODE_LIMITS).join(', ')}`);
  } else if (!isWholeNumber(w.numberOfNodes) || w.numberOfNodes < limits.min || w.numberOfNodes > limits.max) {
    const single = limits.min === 1 ? '' : ' (single-node clusters exist only for ra3.xlplus)';
    problem('warehouse.numberOfNodes', `${w.numberOfNodes} nodes is not possible for ${w.nodeType}; use ${limits.min} to ${limits.max}${single}`);
  }
  if (w.port === DEFAULT_REDSHIFT_PORT) {
    problem('warehouse.port', '5439 is the default Redshift port; pick another one in 5431–5455 or 8191–8215');
  } else if (!RA3_PORT_RANGES.some(([lo, hi]) => isWholeNumber(w.port) && w.port >= lo && w.port <= hi)) {
    problem('warehouse.port', `${w.port} is not accepted by RA3 clusters; use a port in 5431–5455 or 8191–8215 other than 5439`);
  }
  const retention = days(w.snapshotRetention);
  if (!isWholeNumber(retention) || retention < 1 || retention > 35) {
    problem('warehouse.snapshotRetention', `${w.snapshotRetention.toHumanString()} is outside Redshift limits; use whole days from 1 to 35`);
  }
  const rotationHours = w.adminSecretRotation.toHours({ integral: false });
  if (rotationHours < 4 || rotationHours > 1000 * 24) {
    problem('warehouse.adminSecretRotation', `${w.adminSecretRotation.toHumanString()} is outside Secrets Manager limits; use 4 hours to 1000 days`);
  }
  const cidr = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(w.vpcCidr) ?? /^(?:172\.(?:1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3}\/(\d{1,2})$/.exec(w.vpcCidr);
  const prefix = cidr ? Number(cidr[cidr.length - 1]) : NaN;
  if (!cidr || prefix < 16 || prefix > 24) {
    problem('warehouse.vpcCidr', `'${w.vpcCidr}' is not a private /16 to /24 range; use one like '10.40.0.0/16'`);
  }
}

function validateSessionizer({ sessionizer: s, delivery }: EnvironmentConfig, problem: Report): void {
  const minutes = s.schedule.toSeconds({ integral: false }) / 60;
  if (minutes < 1) {
    problem('sessionizer.schedule', `${s.schedule.toHumanString()} is shorter than one minute, the shortest schedule; use Duration.minutes(1) or more`);
  } else if (!isWholeNumber(minutes)) {
    problem('sessionizer.schedule', `${s.schedule.toHumanString()} is not a whole number of minutes; schedules run every n minutes`);
  }
  if (!isWholeNumber(s.maxObjectsPerRun) || s.maxObjectsPerRun < 1) {
    problem('sessionizer.maxObjectsPerRun', `${s.maxObjectsPerRun} would load nothing; set a whole number, 1 or more`);
  } else {
    // One run is one Data API transaction: 40 statements, of which the load steps in sql/load/ take most.
    const perLoad = maxObjectsPerLoad();
    if (s.maxObjectsPerRun > perLoad) {
      problem(
        'sessionizer.maxObjectsPerRun',
        `${s.maxObjectsPerRun} objects do not fit in one load transaction, which holds at most ${perLoad} with the current sql/load/ steps; set ${perLoad} or less`,
      );
    }
  }
  // a run that loads no more than arrives never catches up after a burst (DRAIN_HEADROOM)
  const arriving = Math.ceil(s.schedule.toSeconds({ integral: false }) / delivery.bufferInterval.toSeconds({ integral: false }));
  if (isWholeNumber(s.maxObjectsPerRun) && s.maxObjectsPerRun >= 1 && arriving * DRAIN_HEADROOM > s.maxObjectsPerRun) {
    problem(
      'sessionizer.schedule',
      `Firehose writes an object every ${delivery.bufferInterval.toHumanString()} or more often, so ${arriving} arrive between runs every ${s.schedule.toHumanString()} under steady traffic; a run must load ${DRAIN_HEADROOM} times that to drain a backlog, more than maxObjectsPerRun ${s.maxObjectsPerRun}; shorten the schedule or lengthen delivery.bufferInterval`,
    );
  }
  if (!isWholeNumber(s.maxBytesPerRun) || s.maxBytesPerRun < 1) {
    problem('sessionizer.maxBytesPerRun', `${s.maxBytesPerRun} would load nothing; set a whole number of bytes, 1 or more`);
  }
  if (s.freshnessLagThreshold.toSeconds({ integral: false }) <= s.schedule.toSeconds({ integral: false })) {
    problem('sessionizer.freshnessLagThreshold', `${s.freshnessLagThreshold.toHumanString()} is not longer than the schedule (${s.schedule.toHumanString()}), so the alarm would fire between healthy runs; make it longer than the schedule`);
  }
  if (!(s.quarantinedPercentThreshold > 0 && s.quarantinedPercentThreshold <= 100)) {
    problem('sessionizer.quarantinedPercentThreshold', `${s.quarantinedPercentThreshold} is not a share of lines the alarm can mean; use a percentage above 0, at most 100`);
  }
}

function validateAlarms({ alarms: a, delivery }: EnvironmentConfig, problem: Report): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.email)) {
    problem('alarms.email', `'${a.email}' is not an e-mail address; alarms would reach nobody`);
  }
  if (a.iteratorAgeThreshold.toSeconds({ integral: false }) < 60) {
    problem('alarms.iteratorAgeThreshold', `${a.iteratorAgeThreshold.toHumanString()} is too short to mean anything; use one minute or more`);
  }
  if (a.deliveryFreshnessThreshold.toSeconds({ integral: false }) <= delivery.bufferInterval.toSeconds({ integral: false })) {
    problem('alarms.deliveryFreshnessThreshold', `${a.deliveryFreshnessThreshold.toHumanString()} is not longer than the Firehose buffer interval (${delivery.bufferInterval.toHumanString()}), so every buffered batch would alarm; make it longer`);
  }
  if (!(a.diskUsedPercentThreshold >= 1 && a.diskUsedPercentThreshold <= 99)) {
    problem('alarms.diskUsedPercentThreshold', `${a.diskUsedPercentThreshold} is not a percentage the alarm can reach; use 1 to 99`);
  }
}
