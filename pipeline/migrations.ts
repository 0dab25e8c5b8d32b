/**
 * Planning and applying schema migrations, recorded in `streamflix.schema_migrations`.
 * Used by the local run and by the deploy-time custom resource (with its own executor).
 */
import type { SqlExecutor } from './executor';
import { readMigrations, type Migration } from './sql-files';

/** What `schema_migrations` holds about one applied migration. */
export interface AppliedMigration {
  readonly version: string;
  readonly checksum: string;
}

/** An already-applied versioned migration whose file was edited afterwards. */
export class MigrationChecksumError extends Error {
  constructor(readonly migration: Migration, readonly appliedChecksum: string) {
    super(
      `${migration.name}: migration ${migration.version} was already applied with checksum ${appliedChecksum.slice(0, 12)}… ` +
        `but the file now hashes to ${migration.checksum.slice(0, 12)}…; never edit an applied migration, add a new V### file instead`,
    );
    this.name = 'MigrationChecksumError';
  }
}

/**
 * What to apply, in order: versioned migrations not yet applied, and repeatable ones
 * (report views) that are new or whose checksum changed. Throws
 * `MigrationChecksumError` when an applied versioned migration was edited.
 */
export function planMigrations(available: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const done = new Map(applied.map((a) => [a.version, a.checksum]));
  const plan: Migration[] = [];
  for (const m of available) {
    const checksum = done.get(m.version);
    if (checksum === undefined) plan.push(m);
    else if (checksum !== m.checksum) {
      if (m.repeatable) plan.push(m);
      else throw new MigrationChecksumError(m, checksum);
    }
  }
  return plan;
}

/**
 * The statements that make `schema_migrations` readable on an empty database: those
 * of the first migration (`V000__bootstrap.sql`), which are idempotent and are run
 * before reading what was applied.
 */
export function bootstrapStatements(sqlDir: string): readonly string[] {
  const first = readMigrations(sqlDir)[0];
  if (!first || first.version !== '000') throw new Error(`${sqlDir}/migrations: V000__bootstrap.sql is missing`);
  return first.statements;
}

/** The statements recording one migration; run in the migration's own transaction. */
export function recordStatements(): readonly string[] {
  return [
    'delete from streamflix.schema_migrations where version = :version',
    'insert into streamflix.schema_migrations (version, name, checksum, applied_at) values (:version, :name, :checksum, getdate())',
  ];
}

/** Applies what `planMigrations` returns, each migration with its record in one transaction. */
export async function applyMigrations(exec: SqlExecutor, sqlDir: string): Promise<{ applied: string[] }> {
  for (const stmt of bootstrapStatements(sqlDir)) await exec.query(stmt);
  const rows = await exec.query('select version, checksum from streamflix.schema_migrations');
  const applied = rows.map((r) => ({ version: String(r.version), checksum: String(r.checksum) }));
  const plan = planMigrations(readMigrations(sqlDir), applied);
  for (const m of plan) {
    await exec.transaction([...m.statements, ...recordStatements()], {
      version: m.version,
      name: m.name,
      checksum: m.checksum,
    });
  }
  return { applied: plan.map((m) => m.name) };
}
