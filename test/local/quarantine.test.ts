import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarehouse } from '../../local/warehouse';
import { numberedLineNo } from '../../pipeline/numbered-copy';
import { ev, freshWarehouse, load, movie, rows, userSnap } from './helpers';

const good = ev({ id: 'g', type: 'play', ts: '2026-11-02T20:00:00Z' });
const withField = (patch: Record<string, unknown>, base: Record<string, unknown> = good): string => {
  const o: Record<string, unknown> = { ...base, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete o[k];
  return JSON.stringify(o);
};

const EVENT_CASES: [string, string, string | null][] = [
  ['not json at all', 'malformed_json', null],
  ['[1,2]', 'malformed_json', null],
  ['42', 'malformed_json', null],
  ['{"event_id":"x","event_type":"play"', 'malformed_json', null],
  [withField({ event_type: 'jump' }), 'unknown_event_type', 'event_type'],
  [withField({ event_id: undefined, event_type: 'jump' }), 'unknown_event_type', 'event_type'],
  [withField({ event_id: undefined }), 'invalid_field', 'event_id'],
  [withField({ event_id: 'x'.repeat(65) }), 'invalid_field', 'event_id'],
  [withField({ event_type: 5 }), 'invalid_field', 'event_type'],
  [withField({ event_ts: '2026-02-30T10:00:00Z' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T24:00:00Z' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T10:00:00' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02 10:00:00Z' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T10:00:00+24:00' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T10:00:00+05:60' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T10:00:00.Z' }), 'invalid_field', 'event_ts'],
  [withField({ user_id: '' }), 'invalid_field', 'user_id'],
  [withField({ content_id: null }), 'invalid_field', 'content_id'],
  [withField({ device: undefined }), 'invalid_field', 'device'],
  [withField({ device: 'tv' }), 'invalid_field', 'device'],
  [withField({ device: { device_type: 'tv' } }), 'invalid_field', 'device.device_id'],
  [withField({ device: { device_id: 'd', device_type: '' } }), 'invalid_field', 'device.device_type'],
  [withField({ device: { device_id: 'd', device_type: 'tv', os: 5 } }), 'invalid_field', 'device.os'],
  [withField({ device: { device_id: 'd', device_type: 'tv', app_version: true } }), 'invalid_field', 'device.app_version'],
  [withField({ utc_offset_minutes: 900 }), 'invalid_field', 'utc_offset_minutes'],
  [withField({ utc_offset_minutes: 1.5 }), 'invalid_field', 'utc_offset_minutes'],
  [withField({ utc_offset_minutes: '60' }), 'invalid_field', 'utc_offset_minutes'],
  [withField({ session_id: undefined }), 'invalid_field', 'session_id'],
  [withField({ position_sec: -1 }), 'invalid_field', 'position_sec'],
  [withField({ position_sec: '10' }), 'invalid_field', 'position_sec'],
  [withField({ event_type: 'seek', from_position_sec: 'x' }), 'invalid_field', 'from_position_sec'],
  [withField({ event_type: 'rate', rating: 6, session_id: undefined, position_sec: undefined }), 'invalid_field', 'rating'],
  [withField({ event_type: 'rate', rating: 4.5 }), 'invalid_field', 'rating'],
  // the first failing field in the table's order decides
  [withField({ user_id: 7, position_sec: -1 }), 'invalid_field', 'user_id'],
  // an enumerated value with a trailing blank is not in the list (Redshift would compare it
  // equal: the SQL checks the blanks itself), and a pattern-checked value holds no line feed
  // (Redshift's ^ and $ may match at one): both engines agree (docs/decisions.md W19)
  [withField({ event_type: 'play ' }), 'unknown_event_type', 'event_type'],
  [withField({ event_ts: 'x\n2026-11-02T20:00:00Z' }), 'invalid_field', 'event_ts'],
  [withField({ event_ts: '2026-11-02T20:00:00Z\n' }), 'invalid_field', 'event_ts'],
  // white space is ASCII's: a line of other spaces is not blank, whatever the locale thinks
  ['\u00a0', 'malformed_json', null],
  ['\u2003\u2003', 'malformed_json', null],
];

describe('quarantine reasons and details (events.md)', () => {
  let w: LocalWarehouse;
  let quarantined: Record<string, unknown>[];
  let batch: Record<string, unknown>;
  beforeAll(async () => {
    w = await freshWarehouse();
    await load(w, 'events', [...EVENT_CASES.map((c) => c[0]), '   ', '\t', '\v', '\f', '\r', ' \t\v\f\r ']);
    quarantined = await rows(w, 'select raw_line, reason, detail from streamflix.etl_quarantine order by line_no');
    [batch] = await rows(w, 'select lines_read, events_loaded, duplicates, quarantined from streamflix.etl_batch');
  });
  afterAll(async () => w.close());

  it.each(EVENT_CASES.map((c, i) => [i, ...c] as const))('line %i %s -> %s / %s', (i, line, reason, detail) => {
    expect(quarantined[i]).toEqual({ raw_line: line, reason, detail });
  });

  it('quarantines a line of a byte-order mark alone, and keeps it whole', async () => {
    const other = await freshWarehouse();
    try {
      await load(other, 'events', ['\ufeff']);
      // compared in SQL: PGlite's reader drops a leading U+FEFF from every text it returns
      expect(await rows(other, 'select raw_line = chr(65279) as kept, reason from streamflix.etl_quarantine')).toEqual([{ kept: true, reason: 'malformed_json' }]);
    } finally {
      await other.close();
    }
  });

  it('skips blank lines without counting them', () => {
    expect(batch).toEqual({ lines_read: EVENT_CASES.length, events_loaded: 0, duplicates: 0, quarantined: EVENT_CASES.length });
  });

  it('accepts optional fields as absent or null, and the valid forms', async () => {
    const other = await freshWarehouse();
    try {
      const out = await load(other, 'events', [
        withField({ id: undefined, utc_offset_minutes: null, device: { device_id: 'd', device_type: 'tv', os: null } }),
        withField({ event_id: 'h', event_ts: '2024-02-29T23:59:59.123456-14:00', utc_offset_minutes: -840 }),
        withField({ event_id: 'i', event_type: 'rate', rating: 5.0, session_id: undefined, position_sec: undefined }),
        withField({ event_id: 'j', event_type: 'seek', from_position_sec: null, position_sec: 12.5 }),
        // a blank is a character: Redshift takes ' ' = '', so the SQL checks lengths, not <> ''
        withField({ event_id: 'k', device: { device_id: ' ', device_type: ' ' } }),
      ]);
      expect(out.result).toMatchObject({ linesRead: 5, eventsLoaded: 5, quarantined: 0 });
    } finally {
      await other.close();
    }
  });
});

describe('a line Redshift COPY rejects (STL_LOAD_ERRORS)', () => {
  it('is landed, quarantined as malformed_json under its object, and counted', async () => {
    const w = await freshWarehouse();
    try {
      // What Redshift logs for a line holding a raw 0x1f (our COPY delimiter): the shim table
      // has STL_LOAD_ERRORS' columns and the local pg_last_copy_id() is -1.
      await w.db.query(
        "insert into public.stl_load_errors (query, filename, line_number, raw_line, err_reason) values (-1, 's3://bronze/events/a.gz', 2, $1, 'Extra column(s) found')",
        ['{"event_id":"x"\u001f}'],
      );
      const out = await load(w, 'events', [good]);
      expect(out.result).toMatchObject({ linesRead: 2, eventsLoaded: 1, duplicates: 0, quarantined: 1 });
      const [q] = await rows(w, 'select raw_line, reason, detail, source from streamflix.etl_quarantine');
      expect(q).toEqual({ raw_line: '{"event_id":"x"\u001f}', reason: 'malformed_json', detail: null, source: out.path });
    } finally {
      await w.close();
    }
  });
});

describe('a record of a numbered copy (a reference file) that COPY rejects', () => {
  it('lands the line taken out of its record, quarantined and counted under its object', async () => {
    const w = await freshWarehouse();
    try {
      // a numbered copy's record as STL_LOAD_ERRORS keeps it: the line quoted, quotes doubled
      // (the second cut short, as Redshift keeps only a rejected record's first 1,024 bytes)
      for (const record of [`${numberedLineNo(1, 2)},"{""content_id"":""x""}?"`, `${numberedLineNo(1, 3)},"{""title"":""a ""cut`]) {
        await w.db.query(
          "insert into public.stl_load_errors (query, filename, line_number, raw_line, err_reason) values (-1, 's3://bronze/manifests/t/1.csv.gz', 2, $1, 'Invalid null byte')",
          [record],
        );
      }
      const out = await load(w, 'catalog', [movie('mv-1', 100)]);
      expect(out.object).toMatchObject({ linesRead: 3, quarantined: 2 });
      expect(await rows(w, 'select raw_line, reason, source from streamflix.etl_quarantine order by raw_line')).toEqual([
        { raw_line: '{"content_id":"x"}?', reason: 'malformed_json', source: out.path },
        { raw_line: '{"title":"a "cut', reason: 'malformed_json', source: out.path },
      ]);
    } finally {
      await w.close();
    }
  });
});

describe('a quarantined line of a reference file', () => {
  it('keeps its place in the file in line_no (modulo 10^10), blank lines counted', async () => {
    const w = await freshWarehouse();
    try {
      await load(w, 'catalog', [movie('mv-1', 100), '', '{"content_id":', movie('mv-2', 100)]);
      const [q] = await rows(w, 'select line_no, line_no % 10000000000 as line_in_file from streamflix.etl_quarantine');
      expect(q).toEqual({ line_no: numberedLineNo(1, 3), line_in_file: 3 });
    } finally {
      await w.close();
    }
  });
});

describe('a line nested deeper than the local JSON parser can follow', () => {
  it('is quarantined as malformed_json and the rest of the file loads', async () => {
    const w = await freshWarehouse();
    try {
      const deep = '['.repeat(20000) + ']'.repeat(20000);
      const out = await load(w, 'events', [deep, good]);
      expect(out.result).toMatchObject({ linesRead: 2, eventsLoaded: 1, duplicates: 0, quarantined: 1 });
      const [q] = await rows(w, 'select octet_length(raw_line) as bytes, reason, detail from streamflix.etl_quarantine');
      expect(q).toEqual({ bytes: 40000, reason: 'malformed_json', detail: null });
    } finally {
      await w.close();
    }
  });
});

describe('quarantine of reference feeds (reference-data.md)', () => {
  it('names the first invalid field of user snapshots and catalog items', async () => {
    const w = await freshWarehouse();
    try {
      const users: [object | string, string, string | null][] = [
        ['{"user_id":', 'malformed_json', null],
        [userSnap('u', 'yesterday', 'basic'), 'invalid_field', 'updated_at'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { country: 'DEU' }), 'invalid_field', 'country'],
        [userSnap('u', '2026-01-01T00:00:00Z', ''), 'invalid_field', 'plan'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { country: 'US\n' }), 'invalid_field', 'country'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { subscription_status: 'trial' }), 'invalid_field', 'subscription_status'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { subscription_status: 'active ' }), 'invalid_field', 'subscription_status'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { signup_date: '2026-13-01' }), 'invalid_field', 'signup_date'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { signup_date: '2026-01-01\n' }), 'invalid_field', 'signup_date'],
        [userSnap('u', '2026-01-01T00:00:00Z', 'basic', { birth_year: 'x' }), 'invalid_field', 'birth_year'],
      ];
      const catalog: [object, string, string | null][] = [
        [{ ...movie('m', 10), content_type: 'show' }, 'invalid_field', 'content_type'],
        [{ ...movie('m', 10), content_type: 'movie ' }, 'invalid_field', 'content_type'],
        [movie('m', 0), 'invalid_field', 'duration_sec'],
        [movie('m', 10, []), 'invalid_field', 'genres'],
        [{ ...movie('m', 10), content_type: 'episode' }, 'invalid_field', 'series_id'],
        [{ ...movie('m', 10), content_type: 'episode', series_id: 's', series_title: 'S', season_number: 0, episode_number: 1 }, 'invalid_field', 'season_number'],
        [{ ...movie('m', 10), release_date: '2026-02-29' }, 'invalid_field', 'release_date'],
      ];
      await load(w, 'users', users.map((u) => u[0]));
      await load(w, 'catalog', catalog.map((c) => c[0]));
      const q = await rows(w, 'select kind, reason, detail from streamflix.etl_quarantine order by batch_id, line_no');
      expect(q).toEqual([
        ...users.map(([, reason, detail]) => ({ kind: 'users', reason, detail })),
        ...catalog.map(([, reason, detail]) => ({ kind: 'catalog', reason, detail })),
      ]);
    } finally {
      await w.close();
    }
  });
});

describe('string limits count UTF-8 bytes, the unit of the Redshift columns (docs/decisions.md W16)', () => {
  it('loads a value that fills its column and quarantines one byte more, in events and the catalog', async () => {
    const w = await freshWarehouse();
    try {
      const e2 = 'é'; // two bytes in UTF-8
      const events: [string, string | null][] = [
        [withField({ event_id: 'x'.repeat(64) }), null],
        [withField({ event_id: e2.repeat(32) }), null],
        [withField({ event_id: e2.repeat(33) }), 'event_id'],
        [withField({ event_id: 's1', session_id: `${e2.repeat(31)}xyz` }), 'session_id'],
        [withField({ event_id: 'd1', device: { device_id: e2.repeat(32), device_type: e2.repeat(32) } }), null],
        [withField({ event_id: 'd2', device: { device_id: 'd', device_type: `x${e2.repeat(32)}` } }), 'device.device_type'],
        [withField({ event_id: 'o1', device: { device_id: 'd', device_type: 'tv', os: e2.repeat(128) } }), null],
        [withField({ event_id: 'o2', device: { device_id: 'd', device_type: 'tv', os: e2.repeat(129) } }), 'device.os'],
      ];
      const catalog: [object, string | null][] = [
        [movie('t1', 10, ['drama'], e2.repeat(512)), null],
        [movie('t2', 10, ['drama'], e2.repeat(513)), 'title'],
        [movie('g1', 10, ['x'.repeat(64), e2.repeat(64)]), null],
        // a genre wider than bridge_content_genre.genre once aborted the whole load
        [movie('g2', 10, ['drama', 'x'.repeat(300)]), 'genres'],
        [movie('g3', 10, ['x'.repeat(65)]), 'genres'],
      ];
      const cat = await load(w, 'catalog', catalog.map((c) => c[0]));
      const out = await load(w, 'events', events.map((e) => e[0]));
      expect(cat.object).toMatchObject({ linesRead: catalog.length, quarantined: catalog.filter((c) => c[1]).length });
      expect(out.result).toMatchObject({ linesRead: events.length, quarantined: events.filter((e) => e[1]).length });
      const q = await rows(w, 'select kind, detail from streamflix.etl_quarantine order by batch_id, line_no');
      expect(q).toEqual([
        ...catalog.filter((c) => c[1]).map(([, detail]) => ({ kind: 'catalog', detail })),
        ...events.filter((e) => e[1]).map(([, detail]) => ({ kind: 'events', detail })),
      ]);
      const [widest] = await rows(w, "select max(octet_length(genre)) as bytes from streamflix.bridge_content_genre");
      expect(widest).toEqual({ bytes: 128 });
    } finally {
      await w.close();
    }
  });
});

/** A valid line with one number written as raw JSON text (`60.000` stays as written). */
const withNumber = (id: string, field: string, text: string, patch: Record<string, unknown> = {}): string =>
  withField({ event_id: id, [field]: 0, ...patch }).replace(`"${field}":0`, `"${field}":${text}`);
const rate = { event_type: 'rate', session_id: undefined, position_sec: undefined };

describe('number fields at the edges of their forms (events.md, reference-data.md)', () => {
  const EVENTS: [string, string | null][] = [
    [withNumber('p12', 'position_sec', '999999999999.5'), null],
    [withNumber('p13', 'position_sec', '1000000000000'), 'position_sec'],
    [withNumber('p0', 'position_sec', '0.000'), null],
    [withNumber('o1', 'utc_offset_minutes', '60.000'), null],
    [withNumber('o2', 'utc_offset_minutes', '-0.0'), null],
    [withNumber('o3', 'utc_offset_minutes', '59.50'), 'utc_offset_minutes'],
    [withNumber('o4', 'utc_offset_minutes', '-1000000000'), 'utc_offset_minutes'],
    [withNumber('f1', 'from_position_sec', '7.25', { event_type: 'seek' }), null],
    [withNumber('f2', 'from_position_sec', '-7.25', { event_type: 'seek' }), 'from_position_sec'],
    [withNumber('r1', 'rating', '5.00', rate), null],
    [withNumber('r2', 'rating', '1', rate), null],
    [withNumber('r3', 'rating', '0', rate), 'rating'],
    [withNumber('r4', 'rating', '15', rate), 'rating'],
    [withNumber('r5', 'rating', '-5', rate), 'rating'],
    [withNumber('r6', 'rating', '3.01', rate), 'rating'],
  ];

  it('loads the plain forms and names the field of the others', async () => {
    const w = await freshWarehouse();
    try {
      const out = await load(w, 'events', EVENTS.map((e) => e[0]));
      const bad = EVENTS.filter((e) => e[1] !== null);
      expect(out.result).toMatchObject({ linesRead: EVENTS.length, eventsLoaded: EVENTS.length - bad.length, quarantined: bad.length });
      const q = await rows(w, 'select raw_line, detail from streamflix.etl_quarantine order by line_no');
      expect(q).toEqual(bad.map(([raw_line, detail]) => ({ raw_line, detail })));
    } finally {
      await w.close();
    }
  });

  it('takes integers written with a zero fraction in the reference feeds, and nothing wider than nine digits', async () => {
    const w = await freshWarehouse();
    try {
      const ep = (id: string, season: string, episode: string, duration = '10'): string =>
        JSON.stringify({ ...movie(id, 1), content_type: 'episode', series_id: 's', series_title: 'S', season_number: 1, episode_number: 1 })
          .replace('"duration_sec":1', `"duration_sec":${duration}`)
          .replace('"season_number":1', `"season_number":${season}`)
          .replace('"episode_number":1', `"episode_number":${episode}`);
      const catalog: [string, string | null][] = [
        [ep('c1', '2.0', '3.00'), null],
        [ep('c2', '1.5', '3'), 'season_number'],
        [ep('c3', '1', '-3'), 'episode_number'],
        [ep('c4', '1', '1', '999999999'), null],
        [ep('c5', '1', '1', '1000000000'), 'duration_sec'],
      ];
      const user = (id: string, year: string): string =>
        JSON.stringify(userSnap(id, '2026-01-01T00:00:00Z', 'basic', { birth_year: 1 })).replace('"birth_year":1', `"birth_year":${year}`);
      const users: [string, string | null][] = [
        [user('a', '1990.0'), null],
        [user('b', '1990.5'), 'birth_year'],
        [user('c', '-1990'), null],
      ];
      await load(w, 'catalog', catalog.map((c) => c[0]));
      await load(w, 'users', users.map((u) => u[0]));
      const q = await rows(w, 'select raw_line, detail from streamflix.etl_quarantine order by batch_id, line_no');
      expect(q).toEqual([...catalog, ...users].filter((c) => c[1] !== null).map(([raw_line, detail]) => ({ raw_line, detail })));
      const [loaded] = await rows(w, "select count(*)::int as n from streamflix.dim_content where content_id in ('c1', 'c4')");
      expect(loaded).toEqual({ n: 2 });
    } finally {
      await w.close();
    }
  });
});
