import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLoadSteps, readMigrations, splitStatements, viewReaders } from '../../pipeline/sql-files';
import { DEFAULT_SQL_DIR } from '../../pipeline/load';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops comment-only pieces', () => {
    expect(splitStatements('select 1;\n-- note\nselect 2;\n-- trailing only\n')).toEqual(['select 1', '-- note\nselect 2']);
  });

  it("respects quotes with '' escapes, quoted identifiers and comments", () => {
    expect(splitStatements(`select 'a;b''c;' as "x;y"; /* ; */ select 2 -- ;\n;`)).toEqual([`select 'a;b''c;' as "x;y"`, '/* ; */ select 2 -- ;']);
  });

  it('respects dollar-quoted bodies', () => {
    expect(splitStatements('do $$ begin perform 1; end $$; select $t$;$t$;')).toEqual(['do $$ begin perform 1; end $$', 'select $t$;$t$']);
  });
});

function tempSql(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sql-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name.split('/')[0]), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('readMigrations', () => {
  it('orders versioned migrations by number, then views after the views they read', () => {
    const dir = tempSql({
      'migrations/V010__b.sql': 'create table if not exists streamflix.b (x int);',
      'migrations/V002__a.sql': 'create table if not exists streamflix.a (x int);',
      'views/rpt_a.sql': 'create or replace view streamflix.rpt_a as select * from streamflix.rpt_z;',
      'views/rpt_z.sql': 'create or replace view streamflix.rpt_z as select 1 as x;',
    });
    const m = readMigrations(dir);
    expect(m.map((x) => x.version)).toEqual(['002', '010', 'R__rpt_z', 'R__rpt_a']);
    expect(m[0]).toMatchObject({ name: 'V002__a.sql', repeatable: false, statements: ['create table if not exists streamflix.a (x int)'] });
    expect(m[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a badly named or duplicate migration with a fix', () => {
    expect(() => readMigrations(tempSql({ 'migrations/001_a.sql': 'select 1;' }))).toThrow(/V###__snake_name\.sql; rename it/);
    expect(() => readMigrations(tempSql({ 'migrations/V001__a.sql': 'select 1;', 'migrations/V001__b.sql': 'select 1;' }))).toThrow(/used twice/);
  });

  it('orders migrations by version number, past three digits too, and takes V024 and V0024 for one version', () => {
    const dir = tempSql({ 'migrations/V1000__d.sql': 'select 1;', 'migrations/V999__c.sql': 'select 1;', 'migrations/V101__b.sql': 'select 1;', 'migrations/V024__a.sql': 'select 1;' });
    expect(readMigrations(dir).filter((m) => !m.repeatable).map((m) => m.name)).toEqual(['V024__a.sql', 'V101__b.sql', 'V999__c.sql', 'V1000__d.sql']);
    expect(() => readMigrations(tempSql({ 'migrations/V024__a.sql': 'select 1;', 'migrations/V0024__b.sql': 'select 1;' }))).toThrow(/version 24 is used twice \(V0024__b\.sql, V024__a\.sql\)/);
  });

  it('reads the repository migrations starting with the bootstrap', () => {
    const m = readMigrations(DEFAULT_SQL_DIR);
    expect(m[0].name).toBe('V000__bootstrap.sql');
    expect(m.filter((x) => x.repeatable)).toHaveLength(8);
    const at = (v: string): number => m.findIndex((x) => x.version === v);
    expect(at('R__rpt_rating_vs_popularity')).toBeLessThan(at('R__rpt_rating_popularity_correlation'));
  });
});

describe('viewReaders', () => {
  it('finds the views reading a view, through other views too, in apply order, and no others', () => {
    const m = readMigrations(
      tempSql({
        'views/rpt_base.sql': 'drop view if exists streamflix.rpt_base cascade;\ncreate view streamflix.rpt_base as select 1 as x;',
        'views/rpt_mid.sql': 'drop view if exists streamflix.rpt_mid cascade;\ncreate view streamflix.rpt_mid as select x from streamflix.rpt_base;',
        'views/rpt_top.sql': 'drop view if exists streamflix.rpt_top cascade;\ncreate view streamflix.rpt_top as select x from streamflix.rpt_mid;',
        'views/rpt_other.sql': 'drop view if exists streamflix.rpt_other cascade;\ncreate view streamflix.rpt_other as select 2 as y;',
      }),
    );
    const view = (name: string) => m.find((x) => x.version === `R__${name}`)!;
    expect(viewReaders(view('rpt_base'), m).map((x) => x.version)).toEqual(['R__rpt_mid', 'R__rpt_top']);
    expect(viewReaders(view('rpt_top'), m)).toEqual([]);
    expect(viewReaders(view('rpt_other'), m)).toEqual([]);
  });

  it('each repository view file drops its own view cascade, creates it (Redshift replaces a view only by one with the same columns), then describes it', () => {
    for (const v of readMigrations(DEFAULT_SQL_DIR).filter((x) => x.repeatable)) {
      const name = v.version.slice(3);
      expect(v.statements).toHaveLength(3);
      expect(v.statements[0]).toMatch(new RegExp(`^(--[^\\n]*\\n)*drop view if exists streamflix\\.${name} cascade$`));
      expect(v.statements[1]).toMatch(new RegExp(`^create view streamflix\\.${name} as\\b`));
      // the drop takes the description along: the file gives it again
      expect(v.statements[2]).toMatch(new RegExp(`^(--[^\\n]*\\n)*comment on view streamflix\\.${name} is\\n'Question [1-5]: `));
    }
  });
});

describe('readLoadSteps', () => {
  it('returns every load step, in order', () => {
    const steps = readLoadSteps(DEFAULT_SQL_DIR);
    expect(steps.map((s) => s.name)).toEqual(readdirSync(join(DEFAULT_SQL_DIR, 'load')).filter((n) => n.endsWith('.sql')).sort());
    expect(steps.map((s) => s.name.slice(0, 2))).toEqual(steps.map((_, i) => String(i).padStart(2, '0')));
    expect(steps.every((s) => s.statements.length > 0)).toBe(true);
  });
});
