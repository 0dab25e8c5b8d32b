import { createHash } from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { readMigrations } from '../../pipeline/sql-files.js';
import { BUNDLED_SQL_DIR, FUNCTION_DEFAULTS, LAMBDA_ENTRIES, lambdaBundling, REPO_SQL_DIR } from './lambda-bundling.js';
import { acknowledgeWildcards } from './sessionizer-nag.js';
import { DATA_API_WILDCARD_REASON, grantDataApi, grantSecretRead } from './sessionizer-permissions.js';

export interface SchemaMigrationsProps {
  /** The Redshift cluster (Data API `ClusterIdentifier`). */
  readonly clusterIdentifier: string;
  /** The database that holds (or will hold) the `streamflix` schema. */
  readonly database: string;
  /** The cluster's admin secret; the Data API connects with it. */
  readonly adminSecret: secretsmanager.ISecret;
  /**
   * What must exist before migrating, typically the cluster.
   * @default - no dependency beyond the references in the props
   */
  readonly clusterReady?: IDependable;
  /**
   * Drop the `streamflix` schema, and with it every table, when the resource is deleted.
   * Only for environments whose data may be destroyed (`dataSurvivesDestroy: false`).
   * @default false - deleting the stack leaves the schema and its data in place
   */
  readonly dropSchemaOnDelete?: boolean;
  /**
   * The `sql/` directory whose `migrations/` and `views/` are applied; bundled with the handlers.
   * @default the repository's `sql/`
   */
  readonly sqlDir?: string;
  /**
   * How long one deployment may spend applying migrations before it fails; under
   * CloudFormation's one-hour limit, so the failure names the running migration.
   * @default Duration.minutes(55)
   */
  readonly totalTimeout?: Duration;
  /**
   * How often the progress of a running migration is checked.
   * @default Duration.seconds(15)
   */
  readonly queryInterval?: Duration;
  /**
   * Retention of the handlers' and the provider's log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Applied to the log groups (never to the schema: see `dropSchemaOnDelete`).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One value for every migration file's version and checksum: any new or edited file changes it, and so triggers an Update. */
export function migrationsHash(sqlDir: string): string {
  const lines = readMigrations(sqlDir).map((m) => `${m.version} ${m.checksum}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Applies `sql/migrations` and `sql/views` at deploy time, through the Redshift Data
 * API, each migration as one transaction recorded in `streamflix.schema_migrations`.
 * Built on the Provider framework with an isComplete handler, so long DDL never hits
 * a Lambda timeout. Depend on this construct to run after the schema exists.
 */
export class SchemaMigrations extends Construct {
  public readonly resource: CustomResource;
  public readonly role: iam.Role;
  public readonly onEventFunction: nodejs.NodejsFunction;
  public readonly isCompleteFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: SchemaMigrationsProps) {
    super(scope, id);
    const sqlDir = props.sqlDir ?? REPO_SQL_DIR;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const hash = migrationsHash(sqlDir);
    if (props.totalTimeout && props.totalTimeout.toSeconds() > 3600) {
      throw new Error(`totalTimeout (${props.totalTimeout.toHumanString()}) cannot exceed CloudFormation's one hour for a custom resource; split long migrations instead.`);
    }

    // One role for both handlers: isComplete follows statements onEvent submitted.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'StreamFlix schema migrations: Data API on one cluster',
    });
    grantDataApi(this.role, this, props.clusterIdentifier);
    grantSecretRead(this.role, this, props.adminSecret);
    acknowledgeWildcards(this.role, [{ finding: /^Resource::\*$/, reason: DATA_API_WILDCARD_REASON }]);

    const handler = (name: string, entry: string, timeout: Duration): nodejs.NodejsFunction => {
      const logGroup = new logs.LogGroup(this, `${name}LogGroup`, { retention, removalPolicy });
      logGroup.grantWrite(this.role);
      return new nodejs.NodejsFunction(this, name, {
        entry,
        ...FUNCTION_DEFAULTS,
        timeout,
        role: this.role,
        logGroup,
        bundling: lambdaBundling(sqlDir),
        environment: {
          CLUSTER_ID: props.clusterIdentifier,
          DATABASE: props.database,
          SECRET_ARN: props.adminSecret.secretArn,
          SQL_DIR: BUNDLED_SQL_DIR,
          DROP_SCHEMA_ON_DELETE: String(props.dropSchemaOnDelete ?? false),
        },
      });
    };
    this.onEventFunction = handler('OnEvent', LAMBDA_ENTRIES.migrationsOnEvent, Duration.minutes(5));
    this.isCompleteFunction = handler('IsComplete', LAMBDA_ENTRIES.migrationsIsComplete, Duration.minutes(2));

    // The framework's own functions get roles of ours, with no AWS managed policy.
    const providerLogGroup = new logs.LogGroup(this, 'ProviderLogGroup', { retention, removalPolicy });
    const frameworkRole = (name: string): iam.Role => {
      const role = new iam.Role(this, name, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'StreamFlix schema migrations: custom resource provider framework',
      });
      providerLogGroup.grantWrite(role);
      return role;
    };
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: props.queryInterval ?? Duration.seconds(15),
      totalTimeout: props.totalTimeout ?? Duration.minutes(55),
      logGroup: providerLogGroup,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole'),
      frameworkCompleteAndTimeoutRole: frameworkRole('FrameworkCompleteRole'),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'WaiterLogGroup', { retention, removalPolicy }),
        level: sfn.LogLevel.ALL,
      },
    });
    acknowledgeWildcards(this, [
      {
        finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/,
        reason: 'The provider framework invokes its handler functions by qualified ARN (function:version); the grant covers only these functions.',
      },
    ]);
    const waiterMachine = provider.node.findChild('waiter-state-machine');
    acknowledgeWildcards(waiterMachine.node.findChild('Role'), [
      {
        finding: /^Resource::\*$/,
        reason: 'Step Functions log delivery (logs:CreateLogDelivery and friends) supports no resource ARN; this role only delivers the waiter\'s logs.',
      },
    ]);
    const waiter = waiterMachine.node.defaultChild;
    if (waiter) {
      Validations.of(waiter).acknowledge({
        id: 'AwsSolutions-SF2',
        reason: 'The Provider framework offers no X-Ray setting for its waiter state machine; it only polls isComplete, and logs ALL events.',
      });
    }

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::StreamflixSchemaMigrations',
      properties: { ClusterIdentifier: props.clusterIdentifier, Database: props.database, MigrationsHash: hash },
    });
    if (props.clusterReady) this.resource.node.addDependency(props.clusterReady);
  }
}
