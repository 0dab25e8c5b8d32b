/**
 * Planning and applying schema migrations, recorded in `streamflix.schema_migrations`.
 * Used by the local run and by the deploy-time custom resource (with its own executor).
 */
import type { SqlExecutor, SqlParams } from './executor';
import { readMigrations, REPEATABLE_PREFIX, viewReaders, type Migration } from './sql-files';

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

/** A migration's record in `schema_migrations`, run in the migration's own transaction. */
export interface MigrationRecord {
  readonly statements: readonly string[];
  readonly params: SqlParams;
}

/**
 * The statements recording one migration, and what its application leaves to apply again.
 * A view file drops its view `cascade` and creates it (Redshift replaces a view only by one
 * with identical columns), which drops the views reading it: their records go, so they are
 * created again after it. A versioned migration may drop or change what any view reads:
 * every view's record goes, so all of them are created again after it. Both are decided in
 * the migration's own transaction, so a deployment that stops in between resumes from
 * `schema_migrations` alone.
 */
export function recordStatements(m: Migration, available: readonly Migration[]): MigrationRecord {
  const statements = [
    'delete from streamflix.schema_migrations where version = :version',
    'insert into streamflix.schema_migrations (version, name, checksum, applied_at) values (:version, :name, :checksum, getdate())',
  ];
  const params: Record<string, string> = { version: m.version, name: m.name, checksum: m.checksum };
  if (!m.repeatable) {
    statements.push(`delete from streamflix.schema_migrations where left(version, ${REPEATABLE_PREFIX.length}) = '${REPEATABLE_PREFIX}'`);
  } else {
    const readers = viewReaders(m, available);
    if (readers.length > 0) {
      readers.forEach((r, i) => (params[`reader_${i + 1}`] = r.version));
      statements.push(`delete from streamflix.schema_migrations where version in (${readers.map((_, i) => `:reader_${i + 1}`).join(', ')})`);
    }
  }
  return { statements, params };
}

/**
 * Loads and migrations take turns. A deployment's migrations may run while a scheduled load
 * does, and both may write the same tables (a rebuilt staging table, a copied silver table):
 * Redshift would then wait, deadlock or abort one of them on a serializable isolation
 * violation, failing either the load (retried by the next run) or the deployment. Every load
 * begins by emptying the landing table (`planLoad`); every migration begins by locking it,
 * once it exists. Both take that table first and nothing before it, so one waits for the
 * other to commit and neither can hold what the other waits for.
 */
export const LANDING_LOCK = 'lock streamflix.stg_raw_line';

export const LANDING_TABLE_QUERY =
  "select count(*) as n from information_schema.tables where table_schema = 'streamflix' and table_name = 'stg_raw_line'";

/** Whether the landing table exists yet (it is created by a migration, V012). */
export async function landingTableExists(exec: SqlExecutor): Promise<boolean> {
  return Number((await exec.query(LANDING_TABLE_QUERY))[0]?.n ?? 0) > 0;
}

/** One migration's transaction: the landing table's lock (once it exists), the file, its record. */
export interface MigrationTransaction {
  readonly statements: readonly string[];
  readonly params: SqlParams;
}

export function migrationTransaction(m: Migration, available: readonly Migration[], landingExists: boolean): MigrationTransaction {
  const record = recordStatements(m, available);
  const lead = landingExists ? [LANDING_LOCK] : [];
  return { statements: [...lead, ...m.statements, ...record.statements], params: record.params };
}

/**
 * Applies what `planMigrations` returns, each migration with its record in one transaction,
 * planning again after each one (an application can leave views to create again).
 */
export async function applyMigrations(exec: SqlExecutor, sqlDir: string): Promise<{ applied: string[] }> {
  for (const stmt of bootstrapStatements(sqlDir)) await exec.query(stmt);
  const available = readMigrations(sqlDir);
  const applied: string[] = [];
  for (;;) {
    const rows = await exec.query('select version, checksum from streamflix.schema_migrations');
    const [next] = planMigrations(
      available,
      rows.map((r) => ({ version: String(r.version), checksum: String(r.checksum) })),
    );
    if (!next) return { applied };
    const transaction = migrationTransaction(next, available, await landingTableExists(exec));
    await exec.transaction(transaction.statements, transaction.params);
    applied.push(next.name);
  }
}
