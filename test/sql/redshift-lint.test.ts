import { describe, expect, it } from 'vitest';
import { lint, RULES } from './redshift-lint';
import { runtimeStatements } from './runtime-sql';
import { rel, sqlFiles, text } from './sql-paths';

const SAMPLES: Record<string, string> = {
  corr: 'select corr(a, b) from t',
  'on-conflict': 'insert into t values (1) on conflict do nothing',
  array: 'select array[1, 2]',
  serial: 'create table t (id bigserial)',
  'generate-series': 'insert into t select generate_series(1, 10)',
  'is-distinct-from': 'select 1 from t where a is distinct from b',
  'string-agg': "select string_agg(a, ',') from t",
  'range-frame': 'select sum(x) over (partition by k order by t) from t',
  'merge-subquery': 'merge into s.t using (select 1 as id) as x on t.id = x.id when matched then delete',
  'merge-when-and': 'merge into s.t using s.x on t.id = x.id when matched and x.v > 1 then delete',
  qualify: 'select a from t qualify row_number() over (order by a) = 1',
  truncate: 'truncate streamflix.stg_line',
  offset: 'with x as (select a from t offset 0) select a from x',
  'outside-transaction': 'alter table streamflix.dim_user alter column user_id type varchar(256)',
  'materialized-cte': 'with x as materialized (select 1) select * from x',
  'filter-clause': 'select count(*) filter (where a) from t',
  'create-function': 'create function f() returns int as $$ select 1 $$ language sql',
  'leader-node-only': 'select substr(raw_line, 1, 10), now() from streamflix.stg_raw_line',
  'regexp-replace': "select regexp_replace(raw_line, '^x|y$', '') from streamflix.stg_raw_line",
};

describe('Redshift lint', () => {
  it.each(Object.entries(SAMPLES))('catches %s', (id, sql) => {
    expect(lint(sql)).toContain(id);
  });

  it('has a sample for every rule', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('accepts the Redshift forms and ignores comments and literals', () => {
    expect(lint('select max(x) over (partition by k order by t rows between unbounded preceding and current row) from t')).toEqual([]);
    expect(lint("select row_number() over (partition by k order by t) from t where a = 'truncate qualify'")).toEqual([]);
    expect(lint('-- never truncate here\nselect 1')).toEqual([]);
    expect(lint('select substring(raw_line, 1, 10), getdate(), sysdate from streamflix.stg_raw_line')).toEqual([]);
    expect(lint('merge into s.t using s.stg as x on t.id = x.id when matched then update set v = x.v')).toEqual([]);
    expect(lint('with x as (select a from t /*+ fence */) select a from x')).toEqual([]);
    expect(lint('alter table streamflix.t alter column c encode zstd')).toEqual([]);
    for (const sql of ['alter table s.t append from s.u', 'vacuum s.t', 'alter table s.t alter column "c" type varchar(9)']) {
      expect(lint(sql)).toContain('outside-transaction');
    }
  });

  it.each(sqlFiles().map((f) => [rel(f), f]))('%s uses nothing Redshift lacks', (_name, file) => {
    expect(lint(text(file))).toEqual([]);
  });

  it('finds nothing Redshift lacks in the SQL a load builds at run time', () => {
    expect(runtimeStatements().flatMap((s) => lint(s).map((rule) => `${rule}: ${s.slice(0, 60)}`))).toEqual([]);
  });
});
