import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_NAMES, type EnvName } from '../../../lib/config';
import { addEnvironmentStages } from '../../../lib/stages/environments';
import type { StreamflixStage } from '../../../lib/stages/streamflix-stage';
import { maskedTemplate, newApp } from '../helpers/cdk-app';
import { requireCfnLint, runCfnLint } from '../helpers/cfn-lint';


let app: App;
let stages: Record<EnvName, StreamflixStage>;
let assembly: CloudAssembly | undefined;
let synthError: unknown;

/** The whole app as bin/app.ts builds it: three stages, cdk-nag on, synthesized once. */
beforeAll(() => {
  app = newApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  stages = addEnvironmentStages(app);
  try {
    assembly = app.synth();
  } catch (error) {
    synthError = error;
  }
});

const stacksOf = (stage: StreamflixStage) => [stage.foundation, stage.ingestion, stage.warehouse, stage.monitoring];

describe('the app', () => {
  it('synthesizes with cdk-nag on: no unacknowledged AwsSolutions error', () => {
    expect(synthError).toBeUndefined();
    expect(assembly?.directory).toBeDefined();
  });

  it('has zero unacknowledged cdk-nag findings, errors and warnings alike', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} (${v.severity}) at ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`)).toEqual([]);
  });

  it('acknowledges cdk-nag findings only on resources, never on a stack or stage', () => {
    const isNagAck = (m: { type: string; data: unknown }) =>
      m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && Object.keys(m.data as object).some((id) => id.includes('AwsSolutions-'));
    const holders = app.node
      .findAll()
      .filter((c) => c.node.metadata.some(isNagAck))
      .map((c) => c.node.path);
    const stackPaths = new Set(ENV_NAMES.flatMap((e) => [stages[e].node.path, ...stacksOf(stages[e]).map((s) => s.node.path)]));
    expect(holders.length).toBeGreaterThan(0);
    expect(holders.filter((p) => stackPaths.has(p))).toEqual([]);
  });

  it('has a stage per environment with four stacks each', () => {
    expect(ENV_NAMES.map((e) => stacksOf(stages[e]).map((s) => s.stackName))).toEqual([
      ['Dev-Foundation', 'Dev-Ingestion', 'Dev-Warehouse', 'Dev-Monitoring'],
      ['Staging-Foundation', 'Staging-Ingestion', 'Staging-Warehouse', 'Staging-Monitoring'],
      ['Prod-Foundation', 'Prod-Ingestion', 'Prod-Warehouse', 'Prod-Monitoring'],
    ]);
  });

  it('is environment-agnostic without context, so synth needs no credentials or lookups', () => {
    const environments = ENV_NAMES.flatMap((e) => stacksOf(stages[e]).map((s) => s.environment));
    expect(new Set(environments)).toEqual(new Set(['aws://unknown-account/unknown-region']));
  });

  it('protects every prod stack from termination', () => {
    expect(stacksOf(stages.prod).map((s) => s.terminationProtection)).toEqual([true, true, true, true]);
  });

  it('leaves dev stacks unprotected so that `cdk destroy` works', () => {
    expect(stacksOf(stages.dev).map((s) => s.terminationProtection)).toEqual([false, false, false, false]);
  });

  it.each(ENV_NAMES)('tags every taggable resource of %s with project, environment and owner', (envName) => {
    let checked = 0;
    for (const stack of stacksOf(stages[envName])) {
      const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: { Tags?: unknown } }>);
      const tagged = resources.filter(([, r]) => Array.isArray(r.Properties?.Tags));
      checked += tagged.length;
      for (const [id, resource] of tagged) {
        const tags = Object.fromEntries((resource.Properties?.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        expect({ id, project: tags.project, environment: tags.environment, owner: tags.owner }).toEqual({
          id,
          project: 'streamflix-warehouse',
          environment: envName,
          owner: 'data-platform',
        });
      }
    }
    // a filter that kept nothing would check nothing (the dashboard-only stack has none)
    expect(checked).toBeGreaterThan(10);
  });

  it('tags the key data resources (bucket, stream, cluster)', () => {
    // a count and a verdict per type: `every` over no resource at all would be true
    const tagged = (stack: import('aws-cdk-lib').Stack, type: string) => {
      const found = Object.values(Template.fromStack(stack).findResources(type));
      return { type, count: found.length, tagged: found.every((r) => JSON.stringify(r.Properties.Tags).includes('"project"')) };
    };
    const results = [tagged(stages.dev.foundation, 'AWS::S3::Bucket'), tagged(stages.dev.ingestion, 'AWS::Kinesis::Stream'), tagged(stages.dev.warehouse, 'AWS::Redshift::Cluster')];
    for (const r of results) expect(r, r.type).toMatchObject({ count: expect.any(Number), tagged: true });
    expect(results.map((r) => r.count > 0)).toEqual([true, true, true]);
  });

  it.each(ENV_NAMES)('matches the %s snapshot (asset hashes masked)', (envName) => {
    const snapshot = Object.fromEntries(stacksOf(stages[envName]).map((s) => [s.stackName, maskedTemplate(Template.fromStack(s))]));
    expect(snapshot).toMatchSnapshot();
  });

  it.runIf(runCfnLint)('passes cfn-lint with no errors on every synthesized template', () => {
    requireCfnLint();
    const dir = assembly?.directory as string;
    const templates = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(dir, f));
    expect(templates).toHaveLength(12);
    const result = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...templates], { encoding: 'utf8' });
    const errors = result.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
    // cfn-lint's exit code is a bit mask; 2 means errors.
    expect((result.status ?? 2) & 2).toBe(0);
  });
});

describe('context overrides', () => {
  it('pin every stage to the account and region given with -c', () => {
    const pinned = addEnvironmentStages(newApp({ account: '123456789012', region: 'eu-west-1' }));
    expect(ENV_NAMES.map((e) => pinned[e].warehouse.environment)).toEqual(ENV_NAMES.map(() => 'aws://123456789012/eu-west-1'));
  });

  it('fail the app when invalid, saying what to fix', () => {
    expect(() => addEnvironmentStages(newApp({ region: 'mars-1' }))).toThrow(/region: 'mars-1' is not an AWS region name; use one like 'eu-west-1'/);
  });
});
