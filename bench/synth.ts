/**
 * `npm run bench -- synth`: wall time of a full synth of the CDK app (Dev, Staging and Prod,
 * cdk-nag on), each run in a fresh Node process exactly as the CDK CLI starts the app
 * (CDK_OUTDIR, CDK_CONTEXT_JSON from cdk.json), no AWS credentials. Prints every run and
 * the median. Target: under 10 s on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.SYNTH_BENCH_RUNS ?? 5);
const targetSeconds = 10;
const context = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

function synthOnce(): number {
  const outdir = mkdtempSync(join(tmpdir(), 'streamflix-synth-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bin', 'app.ts')], { cwd: root, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`synth failed (exit ${result.status ?? result.signal})`);
  }
  return seconds;
}

const times: number[] = [];
for (let i = 1; i <= runs; i += 1) {
  const seconds = synthOnce();
  times.push(seconds);
  console.log(`run ${i}/${runs}: ${seconds.toFixed(2)} s`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] as number;
console.log(`synth (3 stages, 12 stacks, cdk-nag): median ${median.toFixed(2)} s over ${runs} runs (min ${sorted[0]?.toFixed(2)} s, max ${sorted.at(-1)?.toFixed(2)} s); target < ${targetSeconds} s: ${median < targetSeconds ? 'met' : 'MISSED'}`);
