import { dataApiTargetFromEnv, positiveInt, required, sqlDirFromEnv, type Env } from '../shared/data-api-config.js';
import type { DataApiTarget } from '../shared/data-api-executor.js';

export interface SessionizerConfig extends DataApiTarget {
  /** Names every load statement: the lock (ListStatements) and the metrics' service dimension. */
  readonly statementName: string;
  readonly bronzeBucket: string;
  /** The role Redshift assumes to read the manifests and objects. */
  readonly copyRoleArn: string;
  readonly maxObjectsPerRun: number;
  readonly maxBytesPerRun: number;
  /** How many days before the newest loaded partition each listing starts. */
  readonly lookbackDays: number;
  readonly sqlDir: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const STATEMENT_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** The one place the sessionizer reads its environment; every error says how to fix it. */
export function sessionizerConfigFromEnv(env: Env): SessionizerConfig {
  const copyRoleArn = required(env, 'COPY_ROLE_ARN');
  if (!ROLE_ARN.test(copyRoleArn)) {
    throw new Error(`Environment variable COPY_ROLE_ARN must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "${copyRoleArn}".`);
  }
  const statementName = required(env, 'STATEMENT_NAME');
  if (!STATEMENT_NAME.test(statementName)) {
    throw new Error(`Environment variable STATEMENT_NAME must be 1-200 letters, digits, '.', '_' or '-', got "${statementName}".`);
  }
  const lookback = env.LOOKBACK_DAYS ?? '1';
  const lookbackDays = Number(lookback);
  if (!Number.isInteger(lookbackDays) || lookbackDays < 0) {
    throw new Error(`Environment variable LOOKBACK_DAYS must be a whole number of days (0 or more), got "${lookback}".`);
  }
  return {
    ...dataApiTargetFromEnv(env),
    statementName,
    bronzeBucket: required(env, 'BRONZE_BUCKET'),
    copyRoleArn,
    maxObjectsPerRun: positiveInt(env, 'MAX_OBJECTS'),
    maxBytesPerRun: positiveInt(env, 'MAX_BYTES'),
    lookbackDays,
    sqlDir: sqlDirFromEnv(env),
  };
}
