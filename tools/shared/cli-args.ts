/** Small helpers for the tools' command lines (node:util parseArgs does the parsing). */

export class UsageError extends Error {}

/** An option's text as a number; NaN for an empty one (Number('') would be 0). */
const toNumber = (value: string): number => (value.trim() === '' ? Number.NaN : Number(value));

/** A whole number option, or the default when absent. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

export function numberOption(value: string | undefined, name: string, below?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = toNumber(value);
  if (below !== undefined && !(Number.isFinite(n) && n >= 0 && n < below)) {
    throw new UsageError(`--${name} must be a number in [0, ${below}), got '${value}'`);
  }
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0, got '${value}'`);
  return n;
}

/** Runs a CLI body: a one-line reason on stderr and exit status 2 (usage) or 1 (failure) on error. */
export function runCli(usage: string, body: () => Promise<number | void>): void {
  body().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${message}\n`);
      if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
        process.stderr.write(`${usage}\n`);
        process.exitCode = 2;
      } else {
        process.exitCode = 1;
      }
    },
  );
}
