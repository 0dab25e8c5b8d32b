/**
 * `npm run bench`: every benchmark section, each in its own Node process so that
 * one section's heap and JIT state never colour another's figures.
 * `npm run bench -- synth local` runs only the named sections.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quietSdkNodeNotice } from '../tools/shared/sdk-notice';

const here = dirname(fileURLToPath(import.meta.url));
// every client in the benchmarks reaches a local stand-in or a mock; the sections inherit this
quietSdkNodeNotice();
const all = ['synth', 'lambda', 'local', 'stream'] as const;
const wanted = process.argv.slice(2);
const USAGE = `usage: npm run bench [-- ${all.join(' | ')} ...]   (no section: all of them)`;
if (wanted.includes('--help') || wanted.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = wanted.filter((w) => !(all as readonly string[]).includes(w));
if (unknown.length > 0) {
  // a misspelt section must not pass for a run that measured nothing
  console.error(`bench: unknown section ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const sections = wanted.length > 0 ? all.filter((s) => wanted.includes(s)) : [...all];

let failed = 0;
for (const section of sections) {
  const file = join(here, `${section}.ts`);
  if (!existsSync(file)) {
    console.log(`\n## ${section}: no benchmark yet (${file} missing)`);
    continue;
  }
  console.log(`\n## ${section}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`## ${section}: FAILED (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
