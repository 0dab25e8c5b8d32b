import { dataApiTargetFromEnv, sqlDirFromEnv, type Env } from '../shared/data-api-config.js';
import type { DataApiTarget } from '../shared/data-api-executor.js';

export interface MigrationsConfig extends DataApiTarget {
  /** The directory holding `migrations/` and `views/`, bundled beside the handler. */
  readonly sqlDir: string;
  /** Only an environment that allows data destruction sets this; see the construct. */
  readonly dropSchemaOnDelete: boolean;
}

/** The one place the migrations handlers read their environment. */
export function migrationsConfigFromEnv(env: Env): MigrationsConfig {
  const drop = env.DROP_SCHEMA_ON_DELETE ?? 'false';
  if (drop !== 'true' && drop !== 'false') {
    throw new Error(`Environment variable DROP_SCHEMA_ON_DELETE must be "true" or "false", got "${drop}".`);
  }
  return { ...dataApiTargetFromEnv(env), sqlDir: sqlDirFromEnv(env), dropSchemaOnDelete: drop === 'true' };
}
