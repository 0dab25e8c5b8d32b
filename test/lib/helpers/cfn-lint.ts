/**
 * cfn-lint, which the tests run on synthesized templates instead of CDK's built-in
 * validation. It comes from PyPI, which set-up cannot reach, so a developer machine may
 * lack it: there the lint tests are skipped. CI (`CI=true`, which .ci/run sets) requires it:
 * a missing linter fails there instead of leaving every template unchecked.
 */
import { spawnSync } from 'node:child_process';

export const cfnLintOnPath = spawnSync('cfn-lint', ['--version']).status === 0;

/** Whether the lint tests run: always in CI, elsewhere when cfn-lint is on PATH. */
export const runCfnLint = cfnLintOnPath || process.env.CI === 'true';

/** Throws, saying how to fix it, when CI runs the lint tests without cfn-lint. */
export function requireCfnLint(): void {
  if (!cfnLintOnPath) {
    throw new Error('cfn-lint is not on PATH; CI lints every synthesized template with it: install cfn-lint 1.x (pip install cfn-lint)');
  }
}
