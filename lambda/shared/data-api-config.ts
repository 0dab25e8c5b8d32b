import { isAbsolute, resolve } from 'node:path';
import type { DataApiTarget } from './data-api-executor.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A required environment variable, or an error naming it and who sets it. */
export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new Error(`Environment variable ${name} is not set; it is set by the CDK construct that deploys this function.`);
  }
  return value;
}

/** A positive integer environment variable. */
export function positiveInt(env: Env, name: string): number {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`Environment variable ${name} must be a positive integer, got "${text}".`);
  }
  return value;
}

/** The cluster, database and secret every Data API call targets. */
export function dataApiTargetFromEnv(env: Env): DataApiTarget {
  return {
    clusterIdentifier: required(env, 'CLUSTER_ID'),
    database: required(env, 'DATABASE'),
    secretArn: required(env, 'SECRET_ARN'),
  };
}

/**
 * The bundled `sql/` directory: SQL_DIR, relative to the Lambda task root (where the
 * bundle and its copied `sql/` live) unless absolute.
 */
export function sqlDirFromEnv(env: Env): string {
  const dir = required(env, 'SQL_DIR');
  return isAbsolute(dir) ? dir : resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), dir);
}
