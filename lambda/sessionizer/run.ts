import type { S3Client } from '@aws-sdk/client-s3';
import type { SqlExecutor } from '../../pipeline/executor.js';
import { maxObjectsPerLoad, runLoad, type LoadResult } from '../../pipeline/load.js';
import { StatementTimeoutError } from '../shared/statement-errors.js';
import type { SessionizerConfig } from './config.js';
import { writeManifests } from './manifests.js';
import { selectObjects } from './select-objects.js';
import { currentWatermark, newestLoadedKeys } from './warehouse-state.js';

export interface RunDeps {
  readonly config: SessionizerConfig;
  readonly executor: SqlExecutor;
  /**
   * Reads a committed load back (its counts). On AWS its deadline is the invocation's
   * reserve, not the load's: see `LoadOptions.readBack`.
   * @default executor
   */
  readonly readBack?: SqlExecutor;
  readonly s3: S3Client;
  /** Ids of loads still running (the lock); on AWS, `inFlightStatements` of the Data API. */
  readonly inFlight: () => Promise<string[]>;
  /** A UUID per run: names the batch, its manifests, and its etl_batch row. */
  readonly newLoadToken: () => string;
  /**
   * When the numbered copies of reference objects must have finished (epoch ms); on AWS the
   * executor's deadline, so that a copy too large for one run fails with a reason.
   * @default no deadline
   */
  readonly copyDeadline?: number;
}

export type RunSummary =
  | { readonly status: 'skipped-in-flight'; readonly inFlight: string[]; readonly watermark: Date | null }
  | { readonly status: 'nothing-pending'; readonly watermark: Date | null }
  | {
      readonly status: 'loaded';
      readonly loadToken: string;
      readonly objects: string[];
      readonly morePending: boolean;
      readonly result: LoadResult;
    }
  | {
      readonly status: 'still-running';
      readonly loadToken: string;
      readonly objects: string[];
      readonly statementId: string;
      /** As read before the load was submitted: the load's own end is not known yet. */
      readonly watermark: Date | null;
    };

/**
 * One scheduled run: skip if a load is in flight, pick the pending bronze objects
 * within the run's bounds, write their manifests and run the load as one transaction.
 * A failed load throws (and commits nothing); the next run simply retries it.
 */
export async function runSessionizer(deps: RunDeps): Promise<RunSummary> {
  const { config, executor } = deps;
  const inFlight = await deps.inFlight();
  // Every run that ends reads the watermark, so that every run publishes the freshness lag:
  // a load left running that then fails is resubmitted and may be left running again, run
  // after run, and only a lag that keeps growing shows it (a read does not wait for a load).
  const watermark = await currentWatermark(executor);
  if (inFlight.length > 0) return { status: 'skipped-in-flight', inFlight, watermark };

  const perLoad = maxObjectsPerLoad(config.sqlDir);
  if (perLoad < 1) {
    // Otherwise every run would find "nothing to load" and the backlog would grow silently.
    throw new Error(
      `The load steps in ${config.sqlDir}/load leave no room for an object within the Data API's 40 statements; merge load statements.`,
    );
  }
  const selection = await selectObjects(executor, deps.s3, config.bronzeBucket, await newestLoadedKeys(executor), config.lookbackDays, {
    maxObjects: Math.min(config.maxObjectsPerRun, perLoad),
    maxBytes: config.maxBytesPerRun,
  });
  if (selection.objects.length === 0) return { status: 'nothing-pending', watermark };

  const loadToken = deps.newLoadToken();
  const objects = await writeManifests(deps.s3, config.bronzeBucket, loadToken, selection.objects, { deadline: deps.copyDeadline });
  const keys = objects.map((o) => o.key);
  try {
    const result = await runLoad(executor, objects, {
      copyCredentials: `iam_role '${config.copyRoleArn}'`,
      loadToken,
      sqlDir: config.sqlDir,
      readBack: deps.readBack,
    });
    return { status: 'loaded', loadToken, objects: keys, morePending: selection.morePending, result };
  } catch (error) {
    // Out of time but not failed: the batch runs on and the next run finds it in flight. (A
    // read after the commit that runs out of time is a CommittedLoadReadError, not this.)
    if (error instanceof StatementTimeoutError) {
      return { status: 'still-running', loadToken, objects: keys, statementId: error.statementId, watermark };
    }
    throw error;
  }
}
