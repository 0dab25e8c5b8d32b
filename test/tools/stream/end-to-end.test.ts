/**
 * The streaming path must change nothing: the same generated files give the same
 * facts whether they are loaded directly (one load per file) or replayed through
 * kinesalite and the delivery worker (one load per delivered object, records
 * regrouped and reordered across shards).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratorOptions } from '../../../tools/generator/index';
import { runLocalStream, type LocalStreamResult } from '../../../tools/stream/index';
import { openWarehouse, type WarehouseStep } from '../../../tools/stream/warehouse-bridge';
import { readEventLines } from '../generator/read-dataset';

const generator: GeneratorOptions = {
  seed: 5, users: 10, days: 2, eventsPerFile: 400, lateRate: 0.1, duplicateRate: 0.05, badLineRate: 0.03,
};

const SESSIONS = `
  select f.session_id, u.user_id, u.valid_from, c.content_id, d.device_id, f.start_date_key, f.start_time_key,
         f.session_start_ts, f.session_end_ts, f.session_duration_seconds, f.watch_duration_seconds,
         f.pause_count, f.seek_count, f.event_count, f.max_position_sec, f.is_completed_flag, f.is_closed
  from streamflix.fact_viewing_session f
  join streamflix.dim_user u on u.user_key = f.user_key
  join streamflix.dim_content c on c.content_key = f.content_key
  join streamflix.dim_device d on d.device_key = f.device_key
  order by f.session_id`;
const RATINGS = `
  select r.rating_event_id, u.user_id, u.valid_from, c.content_id, d.device_id, r.rating_date_key, r.rating_time_key, r.rated_at, r.rating_value
  from streamflix.fact_content_rating r
  join streamflix.dim_user u on u.user_key = r.user_key
  join streamflix.dim_content c on c.content_key = r.content_key
  join streamflix.dim_device d on d.device_key = r.device_key
  order by r.rating_event_id`;
const QUARANTINE = 'select raw_line, reason, detail from streamflix.etl_quarantine order by raw_line, reason';
const TOTALS = `
  select sum(lines_read) as lines_read, sum(events_loaded) as events_loaded, sum(duplicates) as duplicates, sum(quarantined) as quarantined
  from streamflix.etl_batch`;

let root: string;
let direct: WarehouseStep;
let streamed: WarehouseStep;
let stream: LocalStreamResult;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'end-to-end-'));
  streamed = await openWarehouse();
  stream = await runLocalStream({ workDir: join(root, 'stream'), generator, shards: 3, bufferSizeBytes: 100 * 1024, load: streamed.load });
  direct = await openWarehouse();
  const d = stream.dataset;
  await direct.load([
    { kind: 'catalog', path: d.catalogFile },
    { kind: 'users', path: d.usersFile },
    ...d.eventFiles.map((path) => ({ kind: 'events' as const, path })),
  ]);
}, 600_000);

afterAll(async () => {
  await direct?.close();
  await streamed?.close();
  await rm(root, { recursive: true, force: true });
});

const rows = async (w: WarehouseStep, sql: string): Promise<string[]> => (await w.query(sql)).map((r) => JSON.stringify(r));

describe('local:stream against a direct load of the same files', () => {
  it('loads the events in another grouping and order than the generator wrote them', async () => {
    const events = stream.bronzeFiles.filter((f) => f.kind === 'events');
    expect(events.length).toBeGreaterThan(1);
    const streamedLines = (await readEventLines(events.map((f) => f.path))).map((l) => l.line);
    const writtenLines = (await readEventLines(stream.dataset.eventFiles)).map((l) => l.line);
    expect(streamedLines).not.toEqual(writtenLines);
    expect([...streamedLines].sort()).toEqual([...writtenLines].sort());
  });

  it('gives the same viewing sessions', async () => {
    const expected = await rows(direct, SESSIONS);
    expect(expected.length).toBeGreaterThan(10);
    expect(await rows(streamed, SESSIONS)).toEqual(expected);
  });

  it('gives the same ratings', async () => {
    const expected = await rows(direct, RATINGS);
    expect(expected.length).toBeGreaterThan(0);
    expect(await rows(streamed, RATINGS)).toEqual(expected);
  });

  it('quarantines the same lines for the same reasons', async () => {
    const expected = await rows(direct, QUARANTINE);
    expect(expected.length).toBe(stream.dataset.badLines);
    expect(await rows(streamed, QUARANTINE)).toEqual(expected);
  });

  it('accounts for every line the same way', async () => {
    const expected = await rows(direct, TOTALS);
    expect(Number(JSON.parse(expected[0]).events_loaded)).toBeGreaterThan(0);
    expect(await rows(streamed, TOTALS)).toEqual(expected);
  });

  it('gives the same answers', async () => {
    const sorted = (views: Record<string, Record<string, unknown>[]>): Record<string, string[]> =>
      Object.fromEntries(Object.entries(views).map(([k, v]) => [k, v.map((r) => JSON.stringify(r)).sort()]));
    const expected = sorted(await direct.reportTables());
    for (const [view, lines] of Object.entries(expected)) expect(lines.length, view).toBeGreaterThan(0);
    expect(sorted(await streamed.reportTables())).toEqual(expected);
  });
});
