import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { realSleep } from '../shared/backoff.js';
import { DataApiExecutor } from '../shared/data-api-executor.js';
import { migrationsConfigFromEnv, type MigrationsConfig } from './config.js';
import type { MigrateDeps } from './migrate.js';

export interface MigrationsDeps extends MigrateDeps {
  readonly config: MigrationsConfig;
}

/** Leave this much of an invocation to report a timeout as an error of ours. */
const RESERVE_MS = 10_000;

let cached: { config: MigrationsConfig; client: RedshiftDataClient } | undefined;

/**
 * The config and client are built on first use, so that importing the handler stays
 * cheap; the executor per invocation, to wait no longer than the invocation has left
 * (only the short bootstrap and bookkeeping reads are awaited inside an invocation).
 */
export function migrationsDepsFromEnv(remainingMs: number, env: NodeJS.ProcessEnv = process.env): MigrationsDeps {
  cached ??= { config: migrationsConfigFromEnv(env), client: new RedshiftDataClient({}) };
  const { config, client } = cached;
  const executor = new DataApiExecutor({
    ...config,
    client,
    statementName: 'streamflix-schema-migrations',
    // one deadline for every statement of the invocation, not a fresh budget per statement
    deadline: Date.now() + Math.max(1_000, remainingMs - RESERVE_MS),
  });
  const retry = { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, sleep: realSleep };
  return { config, client, executor, sqlDir: config.sqlDir, retry };
}
