import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SQL_DIR } from '../../pipeline/load';
import { LINES_PER_NUMBERED_OBJECT } from '../../pipeline/numbered-copy';
import { groupLoads, openLocalWarehouse, type LocalWarehouse } from '../../local/warehouse';
import { ev, freshWarehouse, rows, writeLines } from './helpers';

const f = (kind: 'catalog' | 'users' | 'events', name: string) => ({ kind, name });
const names = (loads: { name: string }[][]): string[][] => loads.map((l) => l.map((x) => x.name));

describe('groupLoads', () => {
  it('puts reference files into the load of the next events file', () => {
    expect(names(groupLoads([f('catalog', 'c'), f('users', 'u'), f('events', 'e1'), f('events', 'e2')], 3))).toEqual([['c', 'u', 'e1'], ['e2']]);
  });

  it('keeps every events file in a load of its own, in order', () => {
    expect(names(groupLoads([f('events', 'e1'), f('users', 'u'), f('events', 'e2'), f('events', 'e3')], 3))).toEqual([['e1'], ['u', 'e2'], ['e3']]);
  });

  it('loads trailing reference files together, within the object limit', () => {
    expect(names(groupLoads([f('events', 'e1'), f('catalog', 'c'), f('users', 'u')], 3))).toEqual([['e1'], ['c', 'u']]);
    expect(names(groupLoads([f('catalog', 'c1'), f('catalog', 'c2'), f('users', 'u'), f('events', 'e')], 2))).toEqual([['c1', 'c2'], ['u', 'e']]);
  });

  it('refuses a limit below one, saying what it needs', () => {
    expect(() => groupLoads([f('events', 'e')], 0)).toThrow(/maxObjects must be a positive integer/);
  });
});

describe('loadFiles', () => {
  let w: LocalWarehouse | undefined;
  afterEach(async () => w?.close());

  const catalogLine = { content_id: 'm-1', content_type: 'movie', title: 'M', duration_sec: 600, genres: ['drama'] };
  const userLine = { user_id: 'u-1', updated_at: '2026-01-01T00:00:00Z', country: 'DE', plan: 'basic', subscription_status: 'active' };

  it('counts the event lines on the batch and each reference file on its own object', async () => {
    w = await freshWarehouse();
    const catalog = writeLines([catalogLine, { ...catalogLine, content_id: 'm-2', duration_sec: -1 }]);
    const users = writeLines([userLine]);
    const events = writeLines([ev({ id: 'a', type: 'play', ts: '2026-11-02T19:00:00Z', session: 's', pos: 0, user: 'u-1', content: 'm-1' }), 'not json']);
    const out = await w.loadFiles([
      { kind: 'catalog', path: catalog },
      { kind: 'users', path: users },
      { kind: 'events', path: events },
    ]);
    expect(out.map((o) => o.result?.batchId)).toEqual([1, 1, 1]);
    expect(out[0].result).toMatchObject({ linesRead: 2, eventsLoaded: 1, duplicates: 0, quarantined: 1 });
    expect(out.map((o) => o.object && { linesRead: o.object.linesRead, quarantined: o.object.quarantined })).toEqual([
      { linesRead: 2, quarantined: 1 },
      { linesRead: 1, quarantined: 0 },
      { linesRead: 2, quarantined: 1 },
    ]);
    expect(await rows(w, 'select count(*)::int as n from streamflix.etl_quarantine where batch_id = 1')).toEqual([{ n: 2 }]);
  });

  it('gives a load of reference files only zero event counts, its lines still reconciled per object', async () => {
    w = await freshWarehouse();
    const [c] = await w.loadFiles([{ kind: 'catalog', path: writeLines([catalogLine, '{"content_id":']) }]);
    expect(c.result).toMatchObject({ linesRead: 0, eventsLoaded: 0, duplicates: 0, quarantined: 0 });
    expect(c.object).toMatchObject({ kind: 'catalog', linesRead: 2, quarantined: 1 });
    expect(await rows(w, 'select content_id from streamflix.dim_content')).toEqual([{ content_id: 'm-1' }]);
  });

  it('lands a gzip reference file through its numbered copy, and names one whose gzip is broken, storing nothing of its load', async () => {
    w = await freshWarehouse();
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-gz-'));
    const good = join(dir, 'catalog.ndjson.gz');
    writeFileSync(good, gzipSync(`${JSON.stringify(catalogLine)}\n`));
    await w.loadFiles([{ kind: 'catalog', path: good }]);
    expect(await rows(w, 'select content_id from streamflix.dim_content')).toEqual([{ content_id: 'm-1' }]);
    const broken = join(dir, 'broken.ndjson.gz');
    writeFileSync(broken, gzipSync(JSON.stringify({ ...catalogLine, content_id: 'm-2' })).subarray(0, 20));
    await expect(w.loadFiles([{ kind: 'catalog', path: broken }])).rejects.toThrow(
      `load of ${broken} failed: cannot read ${broken}: not valid gzip (unexpected end of file)`,
    );
    expect(await rows(w, 'select count(*)::int as n from streamflix.etl_loaded_object')).toEqual([{ n: 1 }]);
  });

  it('skips a file already loaded inside a load with new files', async () => {
    w = await freshWarehouse();
    const users = writeLines([userLine]);
    await w.loadFiles([{ kind: 'users', path: users }]);
    const events = writeLines([ev({ id: 'a', type: 'play', ts: '2026-11-02T19:00:00Z', session: 's', pos: 0, user: 'u-1', content: 'm-1' })]);
    const out = await w.loadFiles([
      { kind: 'users', path: users },
      { kind: 'events', path: events },
    ]);
    expect(out.map((o) => o.skipped)).toEqual([true, false]);
    expect(out[1].result).toMatchObject({ batchId: 2, linesRead: 1, eventsLoaded: 1 });
    expect(out[1].result?.objects.map((o) => o.key)).toEqual([events]);
  });
});

describe('the catalog', () => {
  let w: LocalWarehouse | undefined;
  afterEach(async () => w?.close());

  it('says what the reconciliation counts cover, on etl_batch and etl_loaded_object', async () => {
    w = await freshWarehouse();
    const [t] = await rows(w, `select obj_description('streamflix.etl_batch'::regclass, 'pg_class') as batch, obj_description('streamflix.etl_loaded_object'::regclass, 'pg_class') as objects`);
    expect(t.batch).toMatch(/event lines only: lines_read = events_loaded \+ duplicates \+ quarantined/);
    expect(t.objects).toMatch(/lines_read is every non-blank line landed/);
    const columns = await rows(w, `select a.attname as name, col_description(a.attrelid, a.attnum) as comment from pg_attribute as a where a.attrelid = 'streamflix.etl_batch'::regclass and a.attname in ('lines_read', 'events_loaded', 'duplicates', 'quarantined')`);
    expect(columns.filter((c) => typeof c.comment === 'string' && c.comment !== '')).toHaveLength(4);
  });

  it('says how to find a quarantined line in its file, on etl_quarantine.line_no, with the modulus the numbered copies use', async () => {
    w = await freshWarehouse();
    const [c] = await rows(w, `select col_description('streamflix.etl_quarantine'::regclass, a.attnum) as comment from pg_attribute as a where a.attrelid = 'streamflix.etl_quarantine'::regclass and a.attname = 'line_no'`);
    expect(c.comment).toContain(`line_no % ${LINES_PER_NUMBERED_OBJECT}`);
    expect(await rows(w, `select obj_description('streamflix.etl_quarantine'::regclass, 'pg_class') as t`)).toEqual([{ t: expect.stringMatching(/verbatim/) }]);
  });

  /** A warehouse on a copy of the SQL whose last load step also runs `statement`. */
  async function withBrokenLoad(statement: string): Promise<{ w: LocalWarehouse; sqlDir: string }> {
    const sqlDir = mkdtempSync(join(tmpdir(), 'streamflix-sql-'));
    cpSync(DEFAULT_SQL_DIR, sqlDir, { recursive: true });
    const opened = await openLocalWarehouse({ sqlDir });
    appendFileSync(join(sqlDir, 'load', '13_finish_batch.sql'), `\n${statement};\n`);
    return { w: opened, sqlDir };
  }

  it.each([
    {
      where: 'in a statement',
      statement: 'insert into streamflix.util_number (n) values (1)',
      error: 'duplicate key value violates unique constraint "util_number_pkey": Key (n)=(1) already exists. (in: insert into streamflix.util_number',
    },
    {
      where: 'at commit (a deferred foreign key)',
      statement: "insert into streamflix.bridge_content_genre (content_key, genre, genre_rank) values (-999, 'x', 1)",
      error: 'Key (content_key)=(-999) is not present in table "dim_content". (at commit)',
    },
  ])("names the files of a load that fails $where, says it was rolled back, and carries PostgreSQL's detail", async ({ statement, error }) => {
    const broken = await withBrokenLoad(statement);
    w = broken.w;
    const path = writeLines([ev({ id: 'e-1', type: 'play', ts: '2026-11-02T19:00:00Z' })]);
    try {
      const failure = w.loadFiles([{ kind: 'events', path }]);
      await expect(failure).rejects.toThrow(`load of ${path} rolled back (earlier loads are kept): `);
      await expect(failure).rejects.toThrow(error);
      expect(await rows(w, 'select count(*)::int as n from streamflix.evt_event')).toEqual([{ n: 0 }]);
    } finally {
      rmSync(broken.sqlDir, { recursive: true, force: true });
    }
  });
  it('says it committed, not "rolled back", when only the read after the commit failed', async () => {
    // the last load step renames a column that the read after the commit asks for
    const broken = await withBrokenLoad('alter table streamflix.etl_batch rename column watermark_ts to watermark_renamed');
    w = broken.w;
    const path = writeLines([ev({ id: 'e-1', type: 'play', ts: '2026-11-02T19:00:00Z' })]);
    try {
      await expect(w.loadFiles([{ kind: 'events', path }])).rejects.toThrow(new RegExp(`^load of ${path} committed, and reading it back failed: column "?(b\\.)?watermark_ts"? does not exist`));
      expect(await rows(w, 'select count(*)::int as n from streamflix.evt_event')).toEqual([{ n: 1 }]);
    } finally {
      rmSync(broken.sqlDir, { recursive: true, force: true });
    }
  });
});
