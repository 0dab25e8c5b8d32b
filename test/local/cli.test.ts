import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandEvents, HELP, main, parseArgs } from '../../local/cli';
import { EXAMPLES } from './helpers';

const example = (name: string): string => fileURLToPath(new URL(name, EXAMPLES));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** The worked example's three files, exported to `dir`. */
const exampleExportArgs = (dir: string): string[] =>
  ['--catalog', example('catalog.ndjson'), '--users', example('users.ndjson'), '--events', example('events.ndjson'), '--export', dir];

/** The rows of one exported table or view. */
const exportedRows = (dir: string) => (name: string): Record<string, unknown>[] =>
  readFileSync(join(dir, `${name}.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('local CLI', () => {
  it('exports every table and view as NDJSON in the export format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-export-'));
    const r = await run(exampleExportArgs(dir));
    expect(r.code).toBe(0);
    const read = exportedRows(dir);
    const [session] = read('fact_viewing_session');
    expect(session).toMatchObject({
      session_id: 's-77',
      session_start_ts: '2026-11-02T19:00:00.000Z',
      watch_duration_seconds: 270,
      is_closed: true,
    });
    expect(read('dim_user')[0]).toMatchObject({ signup_date: '2026-01-10', valid_from: '2026-01-10T08:00:00.000Z', valid_to: null, birth_year: null });
    expect(read('rpt_session_duration')).toEqual([{ month_start: '2026-11-01', sessions: 1, avg_session_duration_seconds: 480, avg_watch_duration_seconds: 270 }]);
    // the three files are one load, as in the worked example, and its row counts the event lines
    expect(read('etl_batch')).toMatchObject([{ batch_id: 1, lines_read: 10, events_loaded: 7, duplicates: 1, quarantined: 2 }]);
    expect(r.out).toBe(
      [
        'load\tkind\tlines_read\tloaded\tduplicates\tquarantined\tfile',
        `1\tcatalog\t1\t1\t0\t0\t${example('catalog.ndjson')}`,
        `1\tusers\t1\t1\t0\t0\t${example('users.ndjson')}`,
        `1\tevents\t10\t7\t1\t2\t${example('events.ndjson')}`,
        '',
      ].join('\n'),
    );
    for (const name of ['dim_date', 'dim_time_of_day', 'bridge_content_genre', 'etl_quarantine', 'rpt_rating_popularity_correlation']) {
      expect(read(name).length, name).toBeGreaterThan(0);
    }
  });

  it('skips a path already loaded and reports it', async () => {
    const r = await run(['--events', example('events.ndjson'), '--events', example('events.ndjson')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(skipped: already loaded)');
    expect(r.err).toContain('already loaded');
    expect(r.out.match(/^\d+\tevents\t10\t7\t1\t2\t/m)).not.toBeNull();
  });

  it('fails with a one-line reason and a non-zero exit when a file cannot be read', async () => {
    const r = await run(['--events', '/no/such/file.ndjson']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: cannot read /no/such/file.ndjson: no such file or directory (ENOENT)\n');
    expect(r.out).toBe('');
  });

  it('refuses a directory given as --catalog or --users before the first load', async () => {
    for (const flag of ['--catalog', '--users']) {
      const dir = mkdtempSync(join(tmpdir(), 'streamflix-feed-dir-'));
      const r = await run([flag, dir, '--events', example('events.ndjson')]);
      expect(r, flag).toEqual({ code: 1, out: '', err: `error: cannot read ${dir}: is a directory, not a file (EISDIR)\n` });
    }
  });

  it('refuses an --export path it cannot write to before the first load', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'streamflix-export-')), 'a-file');
    writeFileSync(file, '');
    for (const [dir, reason] of [[join(file, 'x'), 'a part of the path is not a directory (ENOTDIR)'], [file, 'exists and is not a directory (EEXIST)']]) {
      const r = await run(['--events', example('events.ndjson'), '--export', dir]);
      expect(r, dir).toEqual({ code: 1, out: '', err: `error: cannot write to --export ${dir}: ${reason}\n` });
    }
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['--events'])).code).toBe(2);
    expect(() => parseArgs(['--bogus', 'x'])).toThrow(/unknown argument --bogus/);
  });

  it('stops before the first load, with one error line, on a *.gz events file that is not gzip (the COPY reads it as GZIP)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-notgz-'));
    writeFileSync(join(dir, 'a.ndjson'), readFileSync(example('events.ndjson')));
    const path = join(dir, 'b.gz');
    writeFileSync(path, readFileSync(example('events.ndjson')));
    const r = await run(['--events', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^error: cannot read ${path.replace(/[.]/g, '[.]')}: not gzip, though its name ends in [.]gz[^\n]*\n$`));
    expect(r.out).toBe('');
  });

  it('refuses a second --catalog, --users or --export instead of keeping only the last', async () => {
    for (const flag of ['--catalog', '--users', '--export']) {
      expect(() => parseArgs([flag, 'a', flag, 'b']), flag).toThrow(`${flag} given twice (a, b)`);
    }
    const r = await run(['--catalog', 'a.ndjson', '--catalog', 'b.ndjson']);
    expect(r).toMatchObject({ code: 2, out: '' });
  });

  it('prints its usage on --help and -h, to stdout, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run(['--events', 'x.ndjson', flag]);
      expect(r).toEqual({ code: 0, out: HELP, err: '' });
    }
    expect(HELP).toMatch(/^usage: npm run --silent local -- /);
    for (const option of ['--catalog', '--users', '--events', '--export']) expect(HELP).toContain(option);
  });

  it('notes a directory with nothing to load, and loads nothing from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-empty-'));
    writeFileSync(join(dir, 'notes.txt'), '');
    const notes: string[] = [];
    expect(expandEvents([dir], (m) => notes.push(m))).toEqual([]);
    expect(notes).toEqual([`note: ${dir} holds no *.ndjson, *.json or *.gz file; nothing to load from it`]);
  });

  it('expands directories to their ndjson, json and gz files in name order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-dir-'));
    for (const n of ['b.ndjson', 'a.json', 'c.gz', 'notes.txt']) writeFileSync(join(dir, n), '');
    expect(expandEvents([dir])).toEqual([join(dir, 'a.json'), join(dir, 'b.ndjson'), join(dir, 'c.gz')]);
  });

  it('expands a bronze folder through its date prefixes, in key order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-bronze-'));
    for (const day of ['dt=2026-11-02', 'dt=2026-11-01']) mkdirSync(join(dir, day));
    mkdirSync(join(dir, 'dt=2026-11-03.json')); // a directory, whatever its name
    for (const key of ['dt=2026-11-02/e-1.gz', 'dt=2026-11-01/e-2.gz', 'dt=2026-11-01/e-1.gz']) writeFileSync(join(dir, key), '');
    expect(expandEvents([dir])).toEqual(['dt=2026-11-01/e-1.gz', 'dt=2026-11-01/e-2.gz', 'dt=2026-11-02/e-1.gz'].map((k) => join(dir, k)));
  });

  it('runs as npm run local with stdout for results only', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'local/cli.ts', '--events', example('events.ndjson')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('load\tkind\tlines_read\tloaded\tduplicates\tquarantined\tfile');
    expect(r.stderr).toContain('batch 1 events');
  });
});

describe('the export outside UTC', () => {
  it.each(['Asia/Tokyo', 'America/Los_Angeles'])('writes the same UTC timestamps on a machine in %s', (zone) => {
    const dir = mkdtempSync(join(tmpdir(), 'streamflix-export-tz-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...exampleExportArgs(dir)], { encoding: 'utf8', env: { ...process.env, TZ: zone } });
    expect(r.status, r.stderr).toBe(0);
    const read = exportedRows(dir);
    expect(read('fact_viewing_session')[0]).toMatchObject({ session_start_ts: '2026-11-02T19:00:00.000Z', session_end_ts: '2026-11-02T19:08:00.000Z' });
    expect(read('dim_user')[0]).toMatchObject({ valid_from: '2026-01-10T08:00:00.000Z', valid_to: null });
    expect(read('fact_content_rating')[0]).toMatchObject({ rated_at: '2026-11-02T19:09:00.000Z' });
    const [batch] = read('etl_batch');
    expect(batch).toMatchObject({ max_event_ts: '2026-11-02T19:09:00.000Z', watermark_ts: '2026-11-02T19:09:00.000Z' });
    // getdate() is UTC: the load started moments ago, not hours off by the zone
    expect(Math.abs(Date.parse(batch.started_at as string) - Date.now())).toBeLessThan(10 * 60_000);
  });
});
