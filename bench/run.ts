/**
 * `npm run bench`: every benchmark section, each in its own Node process so that
 * one section's heap and JIT state never colour another's figures.
 * `npm run bench -- synth local` runs only the named sections.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['synth', 'lambda', 'local', 'stream'] as const;
const wanted = process.argv.slice(2);
const sections = wanted.length > 0 ? all.filter((s) => wanted.includes(s)) : [...all];

let failed = 0;
for (const section of sections) {
  const file = join(here, `${section}.ts`);
  if (!existsSync(file)) {
    console.log(`\n## ${section}: no benchmark yet (${file} missing)`);
    continue;
  }
  console.log(`\n## ${section}`);
  // Every client in the benchmarks reaches a local stand-in or a mock: the AWS SDK's notice
  // that its 2027 versions need Node 22 (CONTRIBUTING.md) is not a figure.
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true' };
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit', env });
  if (result.status !== 0) {
    failed += 1;
    console.log(`## ${section}: FAILED (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
