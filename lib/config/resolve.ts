import { RemovalPolicy } from 'aws-cdk-lib';
import { environments } from './environments';
import type { EnvName, EnvironmentConfig, ResolvedEnvironmentConfig } from './types';
import { ConfigValidationError, validateEnvironmentConfig } from './validate';

/** Values given on the command line (`-c account=... -c region=...`); they win over the config file. */
export interface ContextOverrides {
  /**
   * @default - the account from the config file, if any
   */
  readonly account?: unknown;
  /**
   * @default - the region from the config file, if any
   */
  readonly region?: unknown;
}

const STAGE_IDS: Record<EnvName, string> = { dev: 'Dev', staging: 'Staging', prod: 'Prod' };

/**
 * The configuration of one environment with context overrides applied, validated.
 * Throws ConfigValidationError, which fails synth, listing what to fix.
 */
export function resolveEnvironment(
  envName: EnvName,
  overrides: ContextOverrides = {},
  source: EnvironmentConfig = environments[envName],
): ResolvedEnvironmentConfig {
  const config: EnvironmentConfig = {
    ...source,
    account: overrides.account === undefined ? source.account : String(overrides.account),
    region: overrides.region === undefined ? source.region : String(overrides.region),
  };
  const problems = validateEnvironmentConfig(envName, config);
  if (problems.length > 0) {
    const given = (['account', 'region'] as const).filter((k) => overrides[k] !== undefined).map((k) => `-c ${k}=`);
    throw new ConfigValidationError(envName, problems, ['lib/config/environments.ts', ...given].join(', '));
  }
  return {
    ...config,
    envName,
    stageId: STAGE_IDS[envName],
    removalPolicy: config.dataSurvivesDestroy ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}
