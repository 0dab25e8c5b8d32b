import type { App } from 'aws-cdk-lib';
import { ENV_NAMES, type EnvName, resolveEnvironment } from '../config';
import { StreamflixStage } from './streamflix-stage';

/**
 * Adds one Stage per environment (`Dev`, `Staging`, `Prod`), each from its validated config.
 * `-c account=...` and `-c region=...` pin the environments to that account and region.
 */
export function addEnvironmentStages(app: App): Record<EnvName, StreamflixStage> {
  const overrides = { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') };
  const stages = {} as Record<EnvName, StreamflixStage>;
  for (const envName of ENV_NAMES) {
    const config = resolveEnvironment(envName, overrides);
    stages[envName] = new StreamflixStage(app, config.stageId, {
      config,
      env: { account: config.account, region: config.region },
    });
  }
  return stages;
}
