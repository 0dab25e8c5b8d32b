import { describe, expect, it } from 'vitest';
import { batchSource, copyStatement, manifestFor, MAX_STATEMENTS, maxObjectsPerLoad, planLoad, rejectedLinesStatement, type BronzeObject } from '../../pipeline/load';

const TOKEN = '0b0f4c8e-4a43-4f0e-9d8a-3c1f6d7e8a90';
const obj = (key: string, kind: BronzeObject['kind'] = 'events'): BronzeObject => ({ kind, key, manifestUri: `s3://bronze-bucket/manifests/${key.replace(/\//g, '_')}.manifest` });
const ROLE = "iam_role 'arn:aws:iam::123456789012:role/streamflix-copy'";

describe('planLoad', () => {
  it('lands each object with a COPY, the lines it rejected and a stamp, then runs the load steps, then records the objects', () => {
    const plan = planLoad([obj('events/dt=2026-11-02/a.gz'), obj('catalog/c.ndjson', 'catalog')], { copyCredentials: ROLE, loadToken: TOKEN });
    // the landing table first, the one every migration locks first: loads and migrations take turns
    expect(plan.statements[0]).toBe('delete from streamflix.stg_raw_line');
    expect(plan.statements[1]).toMatch(/^copy streamflix\.stg_raw_line \(raw_line\) from 's3:\/\/bronze-bucket\/manifests\/.*' iam_role 'arn:aws:iam::123456789012:role\/streamflix-copy' manifest gzip delimiter/);
    expect(plan.statements[2]).toBe(rejectedLinesStatement());
    expect(plan.statements[3]).toMatch(/^update streamflix\.stg_raw_line set source = :source_1, kind = :kind_1/);
    expect(plan.statements[4]).toMatch(/^copy /);
    expect(plan.statements[4]).not.toMatch(/gzip/);
    expect(plan.statements.at(-1)).toMatch(/^insert into streamflix\.etl_loaded_object/);
    expect(plan.params).toMatchObject({ load_token: TOKEN, source_1: 'events/dt=2026-11-02/a.gz', kind_1: 'events', source_2: 'catalog/c.ndjson', kind_2: 'catalog' });
    expect(plan.statements.length).toBeLessThanOrEqual(MAX_STATEMENTS);
  });

  it('never lets a line COPY rejects abort the load: it is landed from STL_LOAD_ERRORS right after its COPY', () => {
    expect(copyStatement(obj('a'), '')).toMatch(/ maxerror 100000 /);
    expect(rejectedLinesStatement()).toBe(
      'insert into streamflix.stg_raw_line (raw_line) select rtrim(e.raw_line) from stl_load_errors as e where e.query = pg_last_copy_id()',
    );
  });

  it('lands a numbered copy into line_no and raw_line as gzip CSV with its numbers (EXPLICIT_IDS), whatever the object key', () => {
    const numbered = { ...obj('catalog/c.ndjson', 'catalog'), numbered: true };
    const copy = copyStatement(numbered, ROLE);
    expect(copy).toMatch(/^copy streamflix\.stg_raw_line \(line_no, raw_line\) from 's3:\/\/bronze-bucket\/manifests\/catalog_c\.ndjson\.manifest' iam_role '[^']+' manifest gzip csv explicit_ids /);
    expect(copy).not.toMatch(/delimiter|ignoreblanklines/);
    // NUL is the null marker, as for events: a NUL byte in a line must not fail the COPY
    expect(copy).toContain(" null as '\\000' ");
    expect(copy).toMatch(/ maxerror 100000 /);
    const plan = planLoad([obj('events/a.gz'), numbered], { copyCredentials: ROLE, loadToken: TOKEN });
    expect(plan.statements.slice(4, 6)).toEqual([copy, rejectedLinesStatement(true)]);
    expect(plan.statements[2]).toBe(rejectedLinesStatement(false));
    expect(rejectedLinesStatement(true)).not.toBe(rejectedLinesStatement(false));
  });

  it('lands an object listed twice once', () => {
    const plan = planLoad([obj('a'), obj('a')], { copyCredentials: '', loadToken: TOKEN });
    expect(plan.statements.filter((s) => s.startsWith('copy '))).toHaveLength(1);
  });

  it('refuses more objects than 40 statements allow, saying what to lower', () => {
    const max = maxObjectsPerLoad();
    expect(max).toBeGreaterThanOrEqual(3);
    expect(() => planLoad(Array.from({ length: max }, (_, i) => obj(`k${i}`)), { copyCredentials: '', loadToken: TOKEN })).not.toThrow();
    expect(() => planLoad(Array.from({ length: max + 1 }, (_, i) => obj(`k${i}`)), { copyCredentials: '', loadToken: TOKEN })).toThrow(/lower maxObjectsPerRun/);
  });

  it('validates the load token, credentials and manifest URI', () => {
    expect(() => planLoad([obj('a')], { copyCredentials: '', loadToken: 'x' })).toThrow(/UUID/);
    expect(() => copyStatement(obj('a'), "iam_role 'x'; drop table t; --'")).toThrow(/copyCredentials/);
    expect(() => copyStatement({ ...obj('a'), manifestUri: "s3://b/k'; drop" }, '')).toThrow(/manifestUri/);
    expect(copyStatement({ ...obj('a'), manifestUri: '/tmp/m.manifest' }, 'iam_role default')).toMatch(/from '\/tmp\/m\.manifest' iam_role default manifest/);
  });
});

describe('manifests and labels', () => {
  it('writes a mandatory one-entry manifest', () => {
    expect(JSON.parse(manifestFor(['s3://b/events/x.gz']))).toEqual({ entries: [{ url: 's3://b/events/x.gz', mandatory: true }] });
  });

  it('labels a batch without commas', () => {
    expect(batchSource(['a/b.gz'])).toBe('a/b.gz');
    expect(batchSource(['a,1.gz', 'b', 'c'])).toBe('a_1.gz (+2 more)');
  });
});
