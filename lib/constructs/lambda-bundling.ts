/**
 * How every Lambda of this project is bundled: shared by the constructs (NodejsFunction)
 * and `bench/lambda.ts` (esbuild directly), so the benchmark measures what deploys.
 *
 * - ESM: `pipeline/` locates files with `import.meta.url`, which CJS output lacks.
 *   The banner gives bundled CommonJS dependencies a `require` for Node built-ins.
 * - The AWS SDK v3 clients are bundled (tree-shaken, minified), not taken from the
 *   runtime: the runtime's copy is whatever version AWS ships that week, while the
 *   tests ran against the pinned one; a single bundled file also loads faster than
 *   resolving the runtime's many SDK files.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository's `sql/`, copied into every bundle that runs SQL. */
export const REPO_SQL_DIR = join(REPO_ROOT, 'sql');

/** Where the copied `sql/` lives inside the bundle (relative to the task root). */
export const BUNDLED_SQL_DIR = 'sql';

export const ESBUILD_SETTINGS = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
} as const;

/**
 * The same settings as esbuild `build()` options, for bundling outside CDK (the benchmark
 * and the bundle smoke test), so that what they measure and run is what deploys.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    logLevel: 'error',
    format: ESBUILD_SETTINGS.format,
    platform: ESBUILD_SETTINGS.platform,
    target: ESBUILD_SETTINGS.target,
    minify: ESBUILD_SETTINGS.minify,
    sourcemap: ESBUILD_SETTINGS.sourcemap,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    banner: { js: ESBUILD_SETTINGS.banner },
  };
}

/** What every function of this project runs on: the newest Node runtime, Graviton. */
export const FUNCTION_DEFAULTS = {
  handler: 'handler',
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  memorySize: 256,
} as const;

/** The lambda entry files, by function. */
export const LAMBDA_ENTRIES = {
  sessionizer: join(REPO_ROOT, 'lambda', 'sessionizer', 'handler.ts'),
  migrationsOnEvent: join(REPO_ROOT, 'lambda', 'migrations', 'on-event.ts'),
  migrationsIsComplete: join(REPO_ROOT, 'lambda', 'migrations', 'is-complete.ts'),
} as const;

function copySqlHooks(sqlDir: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [`cp -r "${sqlDir}" "${join(outputDir, BUNDLED_SQL_DIR)}"`],
  };
}

/** NodejsFunction bundling: the settings above, plus `sql/` copied beside the handler. */
export function lambdaBundling(sqlDir: string = REPO_SQL_DIR): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: ESBUILD_SETTINGS.target,
    minify: ESBUILD_SETTINGS.minify,
    sourceMap: ESBUILD_SETTINGS.sourcemap,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    banner: ESBUILD_SETTINGS.banner,
    // Bundle the SDK too (see above); the default would leave @aws-sdk/* to the runtime.
    externalModules: [],
    bundleAwsSDK: true,
    commandHooks: copySqlHooks(sqlDir),
  };
}
