import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { realSleep } from '../shared/backoff.js';
import { DataApiExecutor } from '../shared/data-api-executor.js';
import { migrationsConfigFromEnv, type MigrationsConfig } from './config.js';
import type { MigrateDeps } from './migrate.js';

export interface MigrationsDeps extends MigrateDeps {
  readonly config: MigrationsConfig;
}

let cached: MigrationsDeps | undefined;

/** Built on first use, so that importing the handler stays cheap. */
export function migrationsDepsFromEnv(env: NodeJS.ProcessEnv = process.env): MigrationsDeps {
  if (cached) return cached;
  const config = migrationsConfigFromEnv(env);
  const client = new RedshiftDataClient({});
  const executor = new DataApiExecutor({
    ...config,
    client,
    statementName: 'streamflix-schema-migrations',
    // Only the short bootstrap and bookkeeping reads are awaited inside one invocation.
    timeoutMs: 5 * 60_000,
  });
  const retry = { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, sleep: realSleep };
  cached = { config, client, executor, sqlDir: config.sqlDir, retry };
  return cached;
}
