import { createHash } from 'node:crypto';
import { ListStatementsCommand, type RedshiftDataClient, type StatementData } from '@aws-sdk/client-redshift-data';
import { bootstrapStatements, landingTableExists, migrationTransaction, planMigrations, recordStatements } from '../../pipeline/migrations.js';
import { readMigrations, type Migration } from '../../pipeline/sql-files.js';
import { withThrottleRetry, type ThrottleRetry } from '../shared/backoff.js';
import { MAX_BATCH_STATEMENTS, type DataApiExecutor } from '../shared/data-api-executor.js';
import { IN_FLIGHT_STATUSES, inFlightStatements } from '../shared/in-flight.js';
import { StatementFailedError } from '../shared/statement-errors.js';
import { statementFailure } from '../shared/wait-for-statement.js';

/** The warehouse schema: the only thing a permitted delete drops. */
export const SCHEMA = 'streamflix';

export interface MigrateDeps {
  /** Executes the short bookkeeping reads and submits the migration batches. */
  readonly executor: DataApiExecutor;
  /** For ListStatements, which the executor does not wrap. */
  readonly client: RedshiftDataClient;
  readonly sqlDir: string;
  readonly retry: ThrottleRetry;
}

/** A migration batch is named after the deployment request and the migration's version. */
const BATCH_PREFIX = 'streamflix-migrate-';
const runPrefix = (runToken: string): string => `${BATCH_PREFIX}${runToken}-`;
const batchName = (runToken: string, m: Migration): string => `${runPrefix(runToken)}${m.version}`;

/** Same request, same migration, same text: same token, so a resubmission starts nothing new. */
const batchToken = (runToken: string, m: Migration): string =>
  createHash('sha256').update(`${runToken}\n${m.version}\n${m.checksum}`).digest('hex').slice(0, 64);

/** A migration that could not be applied; its message names the file (it becomes the deploy's error). */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
}

async function appliedMigrations(deps: MigrateDeps) {
  const rows = await deps.executor.query(`select version, checksum from ${SCHEMA}.schema_migrations`);
  return rows.map((r) => ({ version: String(r.version), checksum: String(r.checksum) }));
}

/**
 * What is left to apply. Throws MigrationChecksumError (naming the file) when an
 * applied migration was edited.
 * @param available the bundle's migrations (`readMigrations(deps.sqlDir)`), read once per step
 */
export async function pendingMigrations(deps: MigrateDeps, bootstrap: boolean, available: readonly Migration[]): Promise<Migration[]> {
  if (bootstrap) {
    const statements = bootstrapStatements(deps.sqlDir);
    for (const [i, sql] of statements.entries()) {
      try {
        await deps.executor.query(sql);
      } catch (error) {
        const reason = error instanceof StatementFailedError ? (error.redshiftError ?? error.status) : (error as Error).message;
        const file = available[0]?.name ?? 'the bootstrap migration';
        throw new MigrationFailedError(`Bootstrap ${file} failed at statement ${i + 1} of the file: ${reason}`);
      }
    }
  }
  return planMigrations(available, await appliedMigrations(deps));
}

/**
 * Submits one migration and its schema_migrations record as one transaction.
 * @param available the bundle's migrations (`readMigrations(deps.sqlDir)`), read once per step
 */
export async function submitMigration(deps: MigrateDeps, runToken: string, m: Migration, available: readonly Migration[]): Promise<string> {
  const transaction = migrationTransaction(m, available, await landingTableExists(deps.executor));
  if (transaction.statements.length > MAX_BATCH_STATEMENTS) {
    const others = transaction.statements.length - m.statements.length;
    throw new MigrationFailedError(
      `${m.name} has ${m.statements.length} statements; a migration runs as one Data API transaction of at most ` +
        `${MAX_BATCH_STATEMENTS - others} statements (plus its record and the landing table's lock). Split it into several files.`,
    );
  }
  return deps.executor.submitTransaction(transaction.statements, transaction.params, {
    statementName: batchName(runToken, m),
    clientToken: batchToken(runToken, m),
  });
}

async function runStatements(deps: MigrateDeps, runToken: string): Promise<StatementData[]> {
  const found: StatementData[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await withThrottleRetry(
      () =>
        deps.client.send(
          new ListStatementsCommand({ StatementName: runPrefix(runToken), Status: 'ALL', RoleLevel: true, NextToken: token }),
        ),
      deps.retry,
    );
    found.push(...(page.Statements ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

/**
 * Migration batches of any deployment request still running. A deployment that timed out
 * leaves its batch running in Redshift; the next deployment (another request, another
 * token) must wait for it, not submit the same migration beside it.
 */
export function runningBatches(deps: MigrateDeps): Promise<StatementData[]> {
  return inFlightStatements(deps.client, BATCH_PREFIX, deps.retry, (name) => name.startsWith(BATCH_PREFIX));
}

/**
 * Says which file (and which of its statements) a failed batch was. `lead`: the statements the
 * batch ran before the file's (the landing table's lock).
 */
function describeFailure(failure: StatementFailedError, m: Migration | undefined, version: string, lead: number): string {
  if (!m) return `Migration ${version} failed: ${failure.redshiftError ?? failure.status}`;
  const index = failure.failedStatementIndex;
  const where =
    index === undefined
      ? ''
      : index < lead
        ? ' while locking the landing table (to take turns with the loads)'
        : index - lead < m.statements.length
          ? ` at statement ${index - lead + 1} of the file`
          : ' while recording it in schema_migrations';
  return `Migration ${m.name} failed${where}: ${failure.redshiftError ?? failure.status}. Nothing of it was applied; fix it and deploy again.`;
}

export type Progress = { readonly done: true } | { readonly done: false; readonly running: string };

/**
 * One step of a deployment's migrations: a failed batch of this request throws (naming
 * its file), a running one is waited for, otherwise the next pending migration is
 * submitted; done when nothing is pending. Stateless between calls: progress is read
 * back from schema_migrations and ListStatements, so a retried call is harmless.
 */
export async function advance(deps: MigrateDeps, runToken: string): Promise<Progress> {
  const statements = await runStatements(deps, runToken);
  // the bundle's files, read once per step: they cannot change under a running function
  const available = readMigrations(deps.sqlDir);
  const byVersion = new Map(available.map((m) => [m.version, m]));
  const failed = statements.find((s) => s.Status === 'FAILED' || s.Status === 'ABORTED');
  if (failed?.Id) {
    const described = await deps.executor.describe(failed.Id);
    const status = described.Status === 'ABORTED' ? 'ABORTED' : 'FAILED';
    const version = (failed.StatementName ?? '').slice(runPrefix(runToken).length);
    const m = byVersion.get(version);
    // the batch's own statements tell whether it began with the lock: the table may exist now and not then
    const lead = m && described.SubStatements ? Math.max(0, described.SubStatements.length - m.statements.length - recordStatements(m, available).statements.length) : 0;
    throw new MigrationFailedError(describeFailure(statementFailure({ ...described, Id: failed.Id, Status: status }, failed.StatementName), m, version, lead));
  }
  const running =
    statements.find((s) => (IN_FLIGHT_STATUSES as readonly string[]).includes(s.Status ?? '')) ??
    (await runningBatches(deps))[0];
  if (running) return { done: false, running: running.StatementName ?? running.Id ?? 'unknown' };
  const [next] = await pendingMigrations(deps, false, available);
  if (!next) return { done: true };
  await submitMigration(deps, runToken, next, available);
  return { done: false, running: next.name };
}
