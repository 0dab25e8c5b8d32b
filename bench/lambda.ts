/**
 * Lambda bundles: size and cold import time. Each handler is bundled with esbuild
 * using the very settings the constructs give NodejsFunction (lib/constructs/
 * lambda-bundling.ts), then imported in fresh Node processes; the figure is the time
 * from before `import()` to after it, the part of a cold start the bundle controls (the
 * whole process, Node start-up included, is printed beside it for scale).
 * Targets: under 1 MB and under 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES, REPO_ROOT } from '../lib/constructs/lambda-bundling.js';

const RUNS = 7;
const SIZE_TARGET = 1024 * 1024;
const IMPORT_TARGET_MS = 200;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** Import time inside a fresh process, and that process's whole wall time (Node start-up included). */
function coldImport(file: string): { importMs: number; processMs: number } {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const processMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return { importMs: Number(child.stdout), processMs };
}

const outRoot = join(REPO_ROOT, '.work', 'bench-lambda');
rmSync(outRoot, { recursive: true, force: true });
let missed = 0;
console.log(`| function | bundle | cold import (median of ${RUNS}) | whole process (median) |`);
console.log('| --- | ---: | ---: | ---: |');
for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const outdir = join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  await build(esbuildOptions(entry, outfile));
  const bytes = statSync(outfile).size;
  const runs = Array.from({ length: RUNS }, () => coldImport(outfile));
  const ms = median(runs.map((r) => r.importMs));
  const wall = median(runs.map((r) => r.processMs));
  const ok = bytes < SIZE_TARGET && ms < IMPORT_TARGET_MS;
  if (!ok) missed += 1;
  console.log(`| ${name} | ${(bytes / 1024).toFixed(1)} KiB | ${ms.toFixed(1)} ms${ok ? '' : ' (over target)'} | ${wall.toFixed(0)} ms |`);
}
console.log(`\ntargets: bundle < 1 MiB, cold import < ${IMPORT_TARGET_MS} ms; ${missed === 0 ? 'all met' : `${missed} missed`}`);
process.exitCode = missed === 0 ? 0 : 1;
