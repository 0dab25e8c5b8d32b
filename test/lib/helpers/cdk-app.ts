import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { type EnvName, resolveEnvironment } from '../../../lib/config';
import { StreamflixStage } from '../../../lib/stages/streamflix-stage';

/** The feature flags of cdk.json, so that tests synthesize what `cdk synth` does. */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'),
).context;

/** An app like bin/app.ts builds (cfn-lint, run by the tests, replaces CDK's built-in template validation). */
export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext, ...context }, analyticsReporting: false, builtinCloudFormationValidation: false });
}

/** One environment's stage in an app of its own (no cdk-nag: see the nag test for that). */
export function buildStage(envName: EnvName): StreamflixStage {
  const config = resolveEnvironment(envName);
  return new StreamflixStage(newApp(), config.stageId, { config });
}

/** A template as JSON text with asset hashes and object keys masked, for stable snapshots. */
export function maskedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON())
    .replace(/[a-f0-9]{64}(\.zip|\.json)?/g, '<asset-hash>$1')
    .replace(/"S3Key":"[^"]*"/g, '"S3Key":"<asset-key>"');
  return JSON.parse(text);
}
