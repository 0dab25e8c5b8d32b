import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { MigrationsDeps } from './deps.js';
import { migrationsDepsFromEnv } from './deps.js';
import { readMigrations } from '../../pipeline/sql-files.js';
import { pendingMigrations, runningBatches, SCHEMA, submitMigration } from './migrate.js';

/** What the Provider framework expects back from onEvent; passed on to isComplete. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  /**
   * `Pending`: how many migrations were pending (a count: a list of their names would grow
   * with every file, and CloudFormation refuses a response over 4,096 bytes).
   */
  readonly Data: { readonly RunToken: string; readonly Pending: string };
}

/** One schema per cluster and database: a stable id, so an Update never replaces (and deletes) it. */
export const physicalId = (deps: MigrationsDeps): string =>
  `${deps.config.clusterIdentifier}/${deps.config.database}/${SCHEMA}`;

/**
 * Create/Update: bootstraps schema_migrations, refuses an edited migration (the deploy
 * fails with the file's name) and submits the first pending migration; isComplete
 * follows it and submits the rest. Delete: leaves the data, unless this environment
 * allows destroying it.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, deps: MigrationsDeps): Promise<OnEventResponse> {
  const id = physicalId(deps);
  const runToken = event.RequestId;
  if (event.RequestType === 'Delete') {
    // A delete of another id is CloudFormation cleaning up after a replacement (the
    // cluster or database changed): that schema lives elsewhere and is not ours to drop.
    if (deps.config.dropSchemaOnDelete && event.PhysicalResourceId === id) {
      // Best effort: only environments whose cluster is destroyed with the stack drop the
      // schema, so a cluster that cannot be reached must not block the teardown.
      try {
        await deps.executor.query(`drop schema if exists ${SCHEMA} cascade`);
      } catch (error) {
        console.warn(JSON.stringify({ message: 'schema not dropped; the stack deletion goes on', error: String(error) }));
      }
    }
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { RunToken: runToken, Pending: '0' } };
  }
  // A batch an earlier, timed-out deployment left running goes first: isComplete waits for
  // it. Asked before what is pending, as isComplete's advance() does: asked after, a batch
  // that commits between the two reads is neither running nor recorded, and would be
  // submitted a second time.
  const running = await runningBatches(deps);
  const available = readMigrations(deps.sqlDir);
  const pending = await pendingMigrations(deps, true, available);
  const [first] = pending;
  if (first && running.length === 0) await submitMigration(deps, runToken, first, available);
  return { PhysicalResourceId: id, Data: { RunToken: runToken, Pending: String(pending.length) } };
}

export const handler = (event: CloudFormationCustomResourceEvent, context: Context): Promise<OnEventResponse> =>
  onEvent(event, migrationsDepsFromEnv(context.getRemainingTimeInMillis()));
