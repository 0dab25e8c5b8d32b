import { randomUUID } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { Row, SqlExecutor, SqlParams } from '../../pipeline/executor.js';
import { realSleep, withThrottleRetry, type BackoffPolicy, type Sleep, type ThrottleRetry } from './backoff.js';
import { toRows } from './result-rows.js';
import { toDataApiParameters } from './sql-params.js';
import { waitForStatement, type WaitOptions } from './wait-for-statement.js';

/** Data API limits for BatchExecuteStatement. */
export const MAX_BATCH_STATEMENTS = 40;
export const MAX_STATEMENT_BYTES = 100 * 1024;

/** Which cluster and database the statements run on, as which user. */
export interface DataApiTarget {
  readonly clusterIdentifier: string;
  readonly database: string;
  /** The Secrets Manager secret holding the database user's credentials. */
  readonly secretArn: string;
}

export interface DataApiExecutorOptions extends DataApiTarget {
  readonly client: RedshiftDataClient;
  /** Name given to every statement, so that in-flight ones can be found with ListStatements. */
  readonly statementName: string;
  /** @default real setTimeout-based sleep */
  readonly sleep?: Sleep;
  /** @default Date.now */
  readonly now?: () => number;
  /** DescribeStatement polling. @default 250 ms doubling to 5 s */
  readonly poll?: BackoffPolicy;
  /** Throttling retries. @default 8 attempts, 200 ms doubling to 10 s */
  readonly throttle?: Partial<Omit<ThrottleRetry, 'sleep'>>;
  /** How long to wait for one statement before giving up (it keeps running). @default 14 minutes */
  readonly timeoutMs?: number;
  /**
   * A time (on `now`, in ms) after which no statement is awaited any longer, however long
   * each has waited: a Lambda's end less its reserve. A per-statement timeout alone
   * restarts with every statement, so a run's later statements could outlast it.
   * @default none: each statement may wait `timeoutMs`
   */
  readonly deadline?: number;
  /** Idempotency token per submission, reused across retries of that submission. @default randomUUID */
  readonly clientToken?: () => string;
}

const DEFAULT_POLL: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 5_000, multiplier: 2 };
const DEFAULT_THROTTLE = { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2 };

function checkSize(statements: readonly string[]): void {
  if (statements.length === 0) throw new Error('A transaction needs at least one statement.');
  if (statements.length > MAX_BATCH_STATEMENTS) {
    throw new Error(
      `A Data API transaction takes at most ${MAX_BATCH_STATEMENTS} statements, got ${statements.length}; ` +
        'load fewer objects per run.',
    );
  }
  statements.forEach((sql, i) => {
    const bytes = Buffer.byteLength(sql, 'utf8');
    if (bytes > MAX_STATEMENT_BYTES) {
      throw new Error(
        `Statement ${i + 1} is ${bytes} bytes; the Data API accepts at most ${MAX_STATEMENT_BYTES}. Split it.`,
      );
    }
  });
}

/**
 * SqlExecutor over the Redshift Data API: no VPC, no connection pool, every call an
 * HTTPS request. Statements are submitted, then awaited by polling DescribeStatement.
 */
export class DataApiExecutor implements SqlExecutor {
  private readonly client: RedshiftDataClient;
  private readonly wait: WaitOptions;
  private readonly newToken: () => string;

  constructor(private readonly options: DataApiExecutorOptions) {
    this.client = options.client;
    const now = options.now ?? Date.now;
    // the run's deadline bounds the throttling retries too (8 attempts wait 22 s in all)
    const throttle: ThrottleRetry = { ...DEFAULT_THROTTLE, ...options.throttle, sleep: options.sleep ?? realSleep, deadline: options.deadline, now };
    this.wait = {
      poll: options.poll ?? DEFAULT_POLL,
      throttle,
      timeoutMs: options.timeoutMs ?? 14 * 60_000,
      deadline: options.deadline,
      now,
    };
    this.newToken = options.clientToken ?? randomUUID;
  }

  get statementName(): string {
    return this.options.statementName;
  }

  private get target() {
    return {
      ClusterIdentifier: this.options.clusterIdentifier,
      Database: this.options.database,
      SecretArn: this.options.secretArn,
      StatementName: this.options.statementName,
    };
  }

  async query(sql: string, params?: SqlParams): Promise<readonly Row[]> {
    checkSize([sql]);
    const input = { ...this.target, Sql: sql, Parameters: toDataApiParameters([sql], params), ClientToken: this.newToken() };
    const submitted = await withThrottleRetry(() => this.client.send(new ExecuteStatementCommand(input)), this.wait.throttle);
    const id = submitted.Id as string;
    const described = await waitForStatement(this.client, id, this.options.statementName, this.wait);
    return described.HasResultSet ? this.fetchRows(id) : [];
  }

  async transaction(statements: readonly string[], params?: SqlParams): Promise<void> {
    const id = await this.submitTransaction(statements, params);
    await waitForStatement(this.client, id, this.options.statementName, this.wait);
  }

  /**
   * Submits the statements as one BatchExecuteStatement transaction and returns its id,
   * without waiting. `as` overrides the statement name and gives a caller-chosen
   * idempotency token (a resubmission with the same token starts nothing new).
   */
  async submitTransaction(
    statements: readonly string[],
    params?: SqlParams,
    as?: { readonly statementName: string; readonly clientToken: string },
  ): Promise<string> {
    checkSize(statements);
    const input = {
      ...this.target,
      ...(as && { StatementName: as.statementName }),
      Sqls: [...statements],
      Parameters: toDataApiParameters(statements, params),
      ClientToken: as?.clientToken ?? this.newToken(),
    };
    const submitted = await withThrottleRetry(
      () => this.client.send(new BatchExecuteStatementCommand(input)),
      this.wait.throttle,
    );
    return submitted.Id as string;
  }

  /** One DescribeStatement (throttling retried), for callers that poll on their own schedule. */
  describe(id: string): Promise<DescribeStatementResponse> {
    return withThrottleRetry(() => this.client.send(new DescribeStatementCommand({ Id: id })), this.wait.throttle);
  }

  private async fetchRows(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let nextToken: string | undefined;
    // Column metadata may come with the first page only.
    let columns: ColumnMetadata[] = [];
    do {
      const token = nextToken;
      const page = await withThrottleRetry(
        () => this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })),
        this.wait.throttle,
      );
      if (page.ColumnMetadata && page.ColumnMetadata.length > 0) columns = page.ColumnMetadata;
      rows.push(...toRows(page.Records ?? [], columns));
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}
