import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SQL_DIR } from '../../pipeline/load';
import { openLocalWarehouse, type LocalWarehouse } from '../../local/warehouse';

/** A warehouse migrated with the repository's sql/, reopened with an edited copy of it. */
async function migratedThenEdited(edit: (sqlDir: string) => void): Promise<LocalWarehouse> {
  const first = await openLocalWarehouse();
  const image = await first.dump();
  await first.close();
  const sqlDir = mkdtempSync(join(tmpdir(), 'streamflix-sql-'));
  cpSync(DEFAULT_SQL_DIR, sqlDir, { recursive: true });
  edit(sqlDir);
  return openLocalWarehouse({ loadDataDir: image, sqlDir });
}

const columns = async (w: LocalWarehouse, view: string): Promise<string[]> =>
  (await w.db.query<{ column_name: string }>(
    "select column_name from information_schema.columns where table_schema = 'streamflix' and table_name = $1 order by ordinal_position",
    [view],
  )).rows.map((r) => r.column_name);

let w: LocalWarehouse | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('report views as migrations', () => {
  it('take new columns anywhere (dropped and created, as Redshift replaces only alike columns) and the views reading them come back', async () => {
    w = await migratedThenEdited((dir) => {
      const file = join(dir, 'views/rpt_rating_vs_popularity.sql');
      // a new first column: CREATE OR REPLACE refuses it on both engines
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\nselect\n(?![\s\S]*\nselect\n)/, '\nselect\n    1 as edition,\n'));
    });
    expect((await columns(w, 'rpt_rating_vs_popularity'))[0]).toBe('edition');
    expect(await columns(w, 'rpt_rating_popularity_correlation')).not.toEqual([]);
    expect((await w.db.query('select * from streamflix.rpt_rating_popularity_correlation')).rows).toHaveLength(1);
  });

  it('are all created again after a versioned migration, which may have dropped them', async () => {
    w = await migratedThenEdited((dir) => {
      writeFileSync(join(dir, 'migrations/V999__drops_a_view.sql'), 'drop view streamflix.rpt_session_duration;\n');
    });
    expect(await columns(w, 'rpt_session_duration')).toContain('sessions');
  });
});

describe('report view descriptions', () => {
  const descriptions = async (x: LocalWarehouse): Promise<Record<string, string | null>> =>
    Object.fromEntries(
      (
        await x.db.query<{ name: string; description: string | null }>(
          "select c.relname as name, obj_description(c.oid, 'pg_class') as description from pg_class as c where c.relnamespace = 'streamflix'::regnamespace and c.relkind = 'v' order by c.relname",
        )
      ).rows.map((r) => [r.name, r.description]),
    );

  it('are in the catalog for every view, naming its question', async () => {
    w = await openLocalWarehouse();
    const found = await descriptions(w);
    expect(Object.keys(found)).toHaveLength(8);
    for (const [name, text] of Object.entries(found)) expect(text, name).toMatch(/^Question [1-5]: /);
  });

  it('come back with a view created again because a view it reads changed', async () => {
    w = await migratedThenEdited((dir) => {
      const file = join(dir, 'views/rpt_rating_vs_popularity.sql');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\nselect\n(?![\s\S]*\nselect\n)/, '\nselect\n    1 as edition,\n'));
    });
    expect((await descriptions(w)).rpt_rating_popularity_correlation).toMatch(/^Question 5: one row/);
  });
});
