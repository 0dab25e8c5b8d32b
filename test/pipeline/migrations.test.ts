import { describe, expect, it } from 'vitest';
import type { Row, SqlExecutor, SqlParams } from '../../pipeline/executor';
import { applyMigrations, MigrationChecksumError, planMigrations } from '../../pipeline/migrations';
import { readMigrations, type Migration } from '../../pipeline/sql-files';
import { DEFAULT_SQL_DIR } from '../../pipeline/load';

const m = (version: string, checksum: string, repeatable = false): Migration => ({
  version,
  name: repeatable ? `${version.slice(3)}.sql` : `V${version}__x.sql`,
  file: `/sql/${version}`,
  checksum,
  statements: ['select 1'],
  repeatable,
});

describe('planMigrations', () => {
  it('applies everything in order on an empty database', () => {
    const all = [m('000', 'a'), m('001', 'b'), m('R__rpt_x', 'c', true)];
    expect(planMigrations(all, [])).toEqual(all);
  });

  it('is a no-op when everything is applied unchanged', () => {
    const all = [m('000', 'a'), m('001', 'b'), m('R__rpt_x', 'c', true)];
    expect(planMigrations(all, all.map((x) => ({ version: x.version, checksum: x.checksum })))).toEqual([]);
  });

  it('applies only new migrations and changed views', () => {
    const all = [m('000', 'a'), m('001', 'b'), m('002', 'new'), m('R__rpt_x', 'c2', true)];
    const applied = [{ version: '000', checksum: 'a' }, { version: '001', checksum: 'b' }, { version: 'R__rpt_x', checksum: 'c1' }];
    expect(planMigrations(all, applied).map((x) => x.version)).toEqual(['002', 'R__rpt_x']);
  });

  it('refuses an edited applied migration, naming its file', () => {
    const edited = m('001', 'changed');
    const plan = (): Migration[] => planMigrations([edited], [{ version: '001', checksum: 'original' }]);
    expect(plan).toThrow(MigrationChecksumError);
    expect(plan).toThrow(/V001__x\.sql/);
  });
});

/** A recording executor that plays schema_migrations in memory. */
class FakeExecutor implements SqlExecutor {
  readonly applied = new Map<string, string>();
  readonly transactions: string[][] = [];
  async query(sql: string): Promise<readonly Row[]> {
    if (/select version, checksum from streamflix\.schema_migrations/.test(sql)) {
      return [...this.applied].map(([version, checksum]) => ({ version, checksum }));
    }
    return [];
  }
  async transaction(statements: readonly string[], params: SqlParams = {}): Promise<void> {
    this.transactions.push([...statements]);
    this.applied.set(String(params.version), String(params.checksum));
    if (statements.some((s) => s.includes("left(version, 3) = 'R__'"))) {
      for (const v of [...this.applied.keys()]) if (v.startsWith('R__')) this.applied.delete(v);
    }
  }
}

describe('applyMigrations', () => {
  it('applies each migration with its record in one transaction, then nothing on a re-run', async () => {
    const exec = new FakeExecutor();
    const first = await applyMigrations(exec, DEFAULT_SQL_DIR);
    expect(first.applied).toEqual(readMigrations(DEFAULT_SQL_DIR).map((x) => x.name));
    expect(exec.transactions.every((t) => t.some((s) => /^insert into streamflix\.schema_migrations/.test(s)))).toBe(true);
    expect(await applyMigrations(exec, DEFAULT_SQL_DIR)).toEqual({ applied: [] });
  });
});
