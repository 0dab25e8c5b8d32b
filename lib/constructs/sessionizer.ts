import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';
import { FEED_PREFIXES, MANIFEST_PREFIX, NUMBERED_FEED_PREFIXES } from '../../lambda/sessionizer/bucket-layout.js';
import { Metric, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../lambda/sessionizer/telemetry-names.js';
import { BUNDLED_SQL_DIR, FUNCTION_DEFAULTS, LAMBDA_ENTRIES, lambdaBundling, REPO_SQL_DIR } from './lambda-bundling.js';
import { notify } from './alarm-topic.js';
import { acknowledgeWildcards } from './sessionizer-nag.js';
import { DATA_API_WILDCARD_REASON, grantDataApi, grantSecretRead } from './sessionizer-permissions.js';

export interface SessionizerProps {
  /** The Redshift cluster the loads run on (Data API `ClusterIdentifier`). */
  readonly clusterIdentifier: string;
  /** The database holding the `streamflix` schema. */
  readonly database: string;
  /** The cluster's admin secret; the Data API connects with it. */
  readonly adminSecret: secretsmanager.ISecret;
  /** Where Firehose and the reference feeds land (`events/`, `catalog/`, `users/`); manifests go under `manifests/`. */
  readonly bronzeBucket: s3.IBucket;
  /** The bronze bucket's key: the manifests are written encrypted with it. */
  readonly bronzeKey: kms.IKey;
  /** The role attached to the cluster that COPY assumes to read manifests and objects. */
  readonly copyRole: iam.IRole;
  /** Receives every alarm. */
  readonly alarmTopic: sns.ITopic;
  /**
   * What must exist before the first load: the schema migrations custom resource.
   * The schedule is created, and every new version of the function deployed, only after
   * it: no load runs before the schema exists, nor new load SQL before its migrations.
   * @default - no dependency (call `runAfter` instead)
   */
  readonly schemaReady?: IDependable;
  /**
   * How often a load runs; whole minutes.
   * @default Duration.minutes(15)
   */
  readonly schedule?: Duration;
  /**
   * Upper bound on bronze objects per load; a backlog drains over several runs.
   * It is further capped by the 40 statements of one Data API transaction.
   * @default 15
   */
  readonly maxObjectsPerRun?: number;
  /**
   * Upper bound on the bytes (as stored) per load; one larger object still goes alone.
   * @default 1 GiB
   */
  readonly maxBytesPerRun?: number;
  /**
   * Alarm when the watermark is older than this; longer than `schedule`.
   * @default Duration.hours(1)
   */
  readonly freshnessLagThreshold?: Duration;
  /**
   * Alarm when more than this percentage of the lines loaded within `quarantineWindow` were
   * quarantined, event lines or reference-feed lines (each feed family on its own, so a broken
   * catalog export does not hide behind millions of events): a producer or an exporter
   * sending bad data. Above 0, at most 100.
   * @default 5
   */
  readonly quarantinedPercentThreshold?: number;
  /**
   * The window the quarantine alarm sums lines over; whole hours, at least the schedule.
   * @default Duration.hours(1)
   */
  readonly quarantineWindow?: Duration;
  /**
   * How far before the newest loaded date partition each listing starts, for objects
   * that land late in an older partition; whole days. An object older than this when it
   * lands is never listed: the WarehouseStack derives it from the stream's retention
   * (`listingLookback` in lib/config), as long as Firehose may still deliver late.
   * @default Duration.days(1)
   */
  readonly listingLookback?: Duration;
  /**
   * Lambda timeout; shorter than `schedule` and at most 15 minutes.
   * @default the schedule minus one minute, at most 15 minutes
   */
  readonly timeout?: Duration;
  /**
   * Name of every Data API statement of the loads (the lock) and the metrics' `service` dimension.
   * @default `streamflix-load-<stack name>`
   */
  readonly statementName?: string;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Applied to the log group and the dead-letter queue.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The `sql/` directory bundled with the function.
   * @default the repository's `sql/`
   */
  readonly sqlDir?: string;
}

function wholeMinutes(d: Duration, what: string): number {
  const minutes = d.toSeconds() / 60;
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`${what} must be a whole number of minutes, at least 1; got ${d.toHumanString()}.`);
  return minutes;
}

/** Periods (of the schedule) the freshness alarm looks back over: one breaching point of them holds it. */
const FRESHNESS_PERIODS = 3;
/** Scheduled runs in a row without an invocation before the not-running alarm fires. */
const NOT_RUNNING_PERIODS = 3;

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer; got ${value}.`);
  return value;
}

/**
 * The scheduled load: EventBridge Scheduler invokes a Lambda that lands new bronze
 * objects in Redshift and sessionizes them, through the Redshift Data API (no VPC).
 * One load at a time (reserved concurrency 1 and an in-flight check), failed
 * invocations to a dead-letter queue, alarms on errors, staleness, missed runs, the queue
 * and the share of lines quarantined.
 */
export class Sessionizer extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly statementName: string;
  public readonly errorsAlarm: cloudwatch.Alarm;
  public readonly freshnessAlarm: cloudwatch.Alarm;
  public readonly notRunningAlarm: cloudwatch.Alarm;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** More than the threshold's share of a window's lines quarantined. */
  public readonly quarantineAlarm: cloudwatch.Alarm;
  /** Every alarm above, for the operations dashboard. */
  public readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: SessionizerProps) {
    super(scope, id);
    const every = props.schedule ?? Duration.minutes(15);
    const everyMinutes = wholeMinutes(every, 'schedule');
    const timeout = props.timeout ?? Duration.minutes(Math.min(15, Math.max(1, everyMinutes - 1)));
    if (timeout.toSeconds() >= every.toSeconds() || timeout.toSeconds() > 900) {
      throw new Error(
        `timeout (${timeout.toHumanString()}) must be shorter than schedule (${every.toHumanString()}) and at most 15 minutes; ` +
          'lengthen the schedule or shorten the timeout.',
      );
    }
    const lag = props.freshnessLagThreshold ?? Duration.hours(1);
    if (lag.toSeconds() <= every.toSeconds()) {
      throw new Error(`freshnessLagThreshold (${lag.toHumanString()}) must be longer than schedule (${every.toHumanString()}), or the alarm fires between two healthy runs.`);
    }
    const quarantinedPercent = props.quarantinedPercentThreshold ?? 5;
    if (!(quarantinedPercent > 0 && quarantinedPercent <= 100)) {
      throw new Error(`quarantinedPercentThreshold must be above 0 and at most 100 (a percentage of lines); got ${quarantinedPercent}.`);
    }
    const quarantineWindow = props.quarantineWindow ?? Duration.hours(1);
    const windowHours = quarantineWindow.toHours({ integral: false });
    if (!Number.isInteger(windowHours) || windowHours < 1 || quarantineWindow.toSeconds() < every.toSeconds()) {
      throw new Error(`quarantineWindow must be whole hours and at least the schedule (${every.toHumanString()}); got ${quarantineWindow.toHumanString()}.`);
    }
    const lookbackDays = (props.listingLookback ?? Duration.days(1)).toDays();
    if (!Number.isInteger(lookbackDays)) throw new Error('listingLookback must be a whole number of days.');
    const maxObjects = positiveInteger(props.maxObjectsPerRun ?? 15, 'maxObjectsPerRun');
    const maxBytes = positiveInteger(props.maxBytesPerRun ?? 1024 ** 3, 'maxBytesPerRun');
    this.statementName = props.statementName ?? `streamflix-load-${Stack.of(this).stackName}`.replace(/[^A-Za-z0-9_.-]/g, '-');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });

    // Our own role rather than the default one, to avoid the AWSLambdaBasicExecutionRole managed policy.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'StreamFlix sessionizer: Data API on one cluster, list bronze feeds, read reference feeds, write load manifests',
    });
    logGroup.grantWrite(this.role);
    grantDataApi(this.role, this, props.clusterIdentifier);
    grantSecretRead(this.role, this, props.adminSecret);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListBronzeFeeds',
        actions: ['s3:ListBucket'],
        resources: [props.bronzeBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': FEED_PREFIXES.map((p) => `${p}*`) } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteLoadManifests',
        // PutObject covers a multipart upload's steps; a failed one is aborted (upload-in-parts.ts)
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [props.bronzeBucket.arnForObjects(`${MANIFEST_PREFIX}*`)],
      }),
    );
    // the bronze key only as S3 uses it on the role's behalf
    const throughS3 = { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } };
    // Reference feeds are landed through numbered copies that keep their line order, which
    // the sessionizer writes from the objects (pipeline/numbered-copy.ts): it reads those two
    // prefixes, never events/.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadReferenceFeeds',
        actions: ['s3:GetObject'],
        resources: NUMBERED_FEED_PREFIXES.map((p) => props.bronzeBucket.arnForObjects(`${p}*`)),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptManifestsWithBronzeKey',
        actions: ['kms:GenerateDataKey'],
        resources: [props.bronzeKey.keyArn],
        conditions: throughS3,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'DecryptReferenceFeedsWithBronzeKey', actions: ['kms:Decrypt'], resources: [props.bronzeKey.keyArn], conditions: throughS3 }),
    );
    acknowledgeWildcards(this.role, [
      { finding: /^Resource::\*$/, reason: DATA_API_WILDCARD_REASON },
      {
        finding: new RegExp(`^Resource::.*/${MANIFEST_PREFIX}\\*$`),
        reason: 'Each load writes fresh manifests and numbered copies under manifests/<load token>/; writes are limited to that prefix of the bronze bucket.',
      },
      ...NUMBERED_FEED_PREFIXES.map((p) => ({
        finding: new RegExp(`^Resource::.*/${p}\\*$`),
        reason: `Reference objects under ${p} are picked at run time and read to write their numbered copies; read-only, that prefix only.`,
      })),
    ]);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: LAMBDA_ENTRIES.sessionizer,
      ...FUNCTION_DEFAULTS,
      timeout,
      role: this.role,
      logGroup,
      // One load at a time; the in-flight check covers loads that outlive an invocation.
      reservedConcurrentExecutions: 1,
      // A failed load is retried by the next scheduled run, not by Lambda's async retries.
      retryAttempts: 0,
      description: 'StreamFlix sessionizer: loads new bronze objects into Redshift and sessionizes them',
      bundling: lambdaBundling(props.sqlDir ?? REPO_SQL_DIR),
      environment: {
        CLUSTER_ID: props.clusterIdentifier,
        DATABASE: props.database,
        SECRET_ARN: props.adminSecret.secretArn,
        BRONZE_BUCKET: props.bronzeBucket.bucketName,
        COPY_ROLE_ARN: props.copyRole.roleArn,
        MAX_OBJECTS: String(maxObjects),
        MAX_BYTES: String(maxBytes),
        LOOKBACK_DAYS: String(lookbackDays),
        STATEMENT_NAME: this.statementName,
        SQL_DIR: BUNDLED_SQL_DIR,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the sessionizer schedule.',
    });

    // A role of ours (rather than the stack-wide one the target would create), so its policy lives beside this construct.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invoke the StreamFlix sessionizer, dead-letter to its queue',
    });
    acknowledgeWildcards(scheduleRole, [
      {
        finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/,
        reason: 'Scheduler may invoke any version of this one function (the grant CDK makes for a Lambda target).',
      },
    ]);

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.rate(every),
      description: 'Runs the StreamFlix sessionizer',
      target: new targets.LambdaInvoke(this.function, {
        role: scheduleRole,
        deadLetterQueue: this.deadLetterQueue,
        // Not worth delivering once the next run is due; 60 s is the service minimum.
        maxEventAge: Duration.seconds(Math.max(60, every.toSeconds())),
        retryAttempts: 3,
      }),
    });
    if (props.schemaReady) this.runAfter(props.schemaReady);

    const period = every;
    this.errorsAlarm = this.function
      .metricErrors({ period, statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: 'A sessionizer run failed: a failed load committed nothing and the next run retries it (its log line says which). See docs/sessionizer.md.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.freshnessAlarm = this.metric('freshnessLag', { statistic: cloudwatch.Stats.MAXIMUM, period }).createAlarm(this, 'FreshnessLagAlarm', {
      alarmDescription: `The warehouse watermark is more than ${lag.toHumanString()} old. See docs/sessionizer.md.`,
      threshold: lag.toSeconds(),
      // A run publishes the lag when it ends, and a quick run followed by a long one leaves a
      // period without a point: over one period the alarm would go back to OK in that gap,
      // and mail both ways, while the warehouse stays stale. Any breaching point of the last
      // three periods holds it.
      evaluationPeriods: FRESHNESS_PERIODS,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Every run that ends publishes the lag, also one that skips or leaves its load running
      // (a load that then fails is resubmitted run after run); runs that fail publish none:
      // the errors alarm covers them. No lag at all is also an empty warehouse (no watermark
      // yet), which is not stale: a sessionizer that stopped running is the next alarm's.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // With no invocations neither alarm above can fire (no errors, no lag published) and the
    // dead-letter queue only sees invocations Scheduler tried: a disabled or deleted schedule,
    // or a function throttled to zero, would go unnoticed.
    this.notRunningAlarm = this.function
      .metricInvocations({ period, statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'NotRunningAlarm', {
        alarmDescription: `The sessionizer was not invoked for ${NOT_RUNNING_PERIODS} scheduled runs in a row (every ${every.toHumanString()}); check its schedule. See docs/sessionizer.md.`,
        threshold: 1,
        evaluationPeriods: NOT_RUNNING_PERIODS,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // Lambda publishes no Invocations point for a period without one.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    // Created with the schedule, which waits for the schema: on a first deploy the cluster and
    // the migrations take longer than three periods, and the alarm would mail twice for nothing.
    this.notRunningAlarm.node.addDependency(this.schedule);
    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'EventBridge Scheduler could not invoke the sessionizer; see the dead-letter queue.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    // Bad lines are data, not failures: a load quarantines them and succeeds. Only their share
    // tells a producer or an exporter sending broken data, so it is watched per feed family,
    // over a window long enough for a share to mean something.
    // (metric ids are unique across the alarm: one pair per family)
    const share = (family: string, lines: keyof typeof Metric, bad: keyof typeof Metric, label: string): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({
        expression: `IF(lines_${family} > 0, 100 * bad_${family} / lines_${family}, 0)`,
        usingMetrics: {
          [`lines_${family}`]: this.metric(lines, { period: quarantineWindow }),
          [`bad_${family}`]: this.metric(bad, { period: quarantineWindow }),
        },
        period: quarantineWindow,
        label,
      });
    this.quarantineAlarm = new cloudwatch.MathExpression({
      expression: 'MAX([events, reference])',
      usingMetrics: {
        events: share('events', 'linesRead', 'quarantined', 'Event lines quarantined (%)'),
        reference: share('reference', 'referenceLinesRead', 'referenceQuarantined', 'Reference-feed lines quarantined (%)'),
      },
      period: quarantineWindow,
      label: 'Lines quarantined (%), the higher of events and reference feeds',
    }).createAlarm(this, 'QuarantineAlarm', {
      alarmDescription:
        `More than ${quarantinedPercent}% of the event lines or of the reference-feed lines loaded in ${quarantineWindow.toHumanString()} were quarantined: ` +
        'a producer or an exporter is sending bad data. etl_quarantine holds the lines, with their reason and source. See docs/sessionizer.md.',
      threshold: quarantinedPercent,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // no load in the window, no share: nothing is known to be wrong (the other alarms cover a stop)
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarms = [this.errorsAlarm, this.freshnessAlarm, this.notRunningAlarm, this.deadLetterAlarm, this.quarantineAlarm];
    // the recovery is news too, as for the other stacks' alarms (alarm-topic.ts, notify)
    for (const alarm of alarms) notify(alarm, props.alarmTopic);
    this.alarms = alarms;
  }

  /**
   * One of the metrics the sessionizer publishes per run (see `lambda/sessionizer/telemetry-names.ts`).
   * @param name e.g. `'linesRead'`, `'quarantined'`, `'freshnessLag'`
   */
  public metric(name: keyof typeof Metric, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: Metric[name],
      dimensionsMap: { [SERVICE_DIMENSION]: this.statementName },
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /**
   * Creates the schedule, and deploys each new version of the function (and of the SQL it
   * bundles), only after `dependency` (e.g. the schema migrations): no load runs before the
   * schema exists, and no load step runs against a schema its migrations have not reached.
   */
  public runAfter(dependency: IDependable): void {
    this.schedule.node.addDependency(dependency);
    this.function.node.addDependency(dependency);
  }
}
