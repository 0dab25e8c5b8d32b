import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../lib/helpers/cdk-app';

const appFile = new URL('../../bin/app.ts', import.meta.url);
const recordPlugins = new URL('./record-validation-plugins.cjs', import.meta.url);

/** Runs bin/app.ts the way the CDK CLI does (CDK_OUTDIR, CDK_CONTEXT_JSON), with no AWS credentials. */
function runApp(context: Record<string, unknown>): { result: SpawnSyncReturns<string>; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'streamflix-app-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext, ...context }) };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const result = spawnSync(process.execPath, ['--require', recordPlugins.pathname, '--import', 'tsx', appFile.pathname], { env, encoding: 'utf8' });
  return { result, outdir };
}

let ok: ReturnType<typeof runApp>;

beforeAll(() => {
  ok = runApp({});
});

describe('bin/app.ts', () => {
  it('synthesizes offline without credentials', () => {
    expect(ok.result.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(ok.result.status).toBe(0);
  });

  it('produces the Dev, Staging and Prod stages', () => {
    const manifest = JSON.parse(readFileSync(join(ok.outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const stages = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'cdk:cloud-assembly').map(([id]) => id);
    expect(stages.sort()).toEqual(['assembly-Dev', 'assembly-Prod', 'assembly-Staging']);
  });

  it('produces four stacks per stage', () => {
    for (const stage of ['Dev', 'Staging', 'Prod']) {
      const manifest = JSON.parse(readFileSync(join(ok.outdir, `assembly-${stage}`, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
      };
      const stacks = Object.values(manifest.artifacts)
        .filter((a) => a.type === 'aws:cloudformation:stack')
        .map((a) => a.properties?.stackName)
        .sort();
      expect(stacks).toEqual([`${stage}-Foundation`, `${stage}-Ingestion`, `${stage}-Monitoring`, `${stage}-Warehouse`]);
    }
  });

  it('checks the whole app with cdk-nag AwsSolutions', () => {
    // what the entry point registers when it runs (the preload prints it), not its source text
    expect(ok.result.stdout.split('\n').filter((l) => l.startsWith('validation plugins'))).toEqual(['validation plugins on (app): ["AwsSolutions"]']);
  });

  it('fails on invalid configuration, saying what to fix and nothing else', () => {
    const { result } = runApp({ account: 'not-an-account' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/account: 'not-an-account' is not an AWS account id; use the 12-digit id/);
    // the message alone, naming where the value came from: no stack trace, no problems dump
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.every((l) => l.startsWith('Invalid configuration for environment') || l.startsWith('  - '))).toBe(true);
    expect(lines[0]).toContain('(lib/config/environments.ts, -c account=)');
  });
});
