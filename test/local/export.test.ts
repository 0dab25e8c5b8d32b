import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRow, exportValue, parseUtcTimestamp, writeRelationNdjson, type ExportSource } from '../../local/export';
import type { LocalWarehouse } from '../../local/warehouse';
import { EXAMPLES, freshWarehouse } from './helpers';

describe('parseUtcTimestamp', () => {
  it.each([
    ['2026-11-02 19:00:00', '2026-11-02T19:00:00.000Z'],
    ['2026-11-02 19:00:00.25', '2026-11-02T19:00:00.250Z'],
    ['2026-11-02 19:00:00.123456', '2026-11-02T19:00:00.123Z'],
    ['2024-02-29 23:59:59.999999', '2024-02-29T23:59:59.999Z'],
    // Date.UTC alone would put years 0-99 in the twentieth century
    ['0099-03-01 00:00:00', '0099-03-01T00:00:00.000Z'],
    ['0001-12-31 23:00:00 BC', '0000-12-31T23:00:00.000Z'],
    ['10000-01-01 13:59:59', '+010000-01-01T13:59:59.000Z'],
  ])('reads %s as UTC', (text, iso) => {
    expect((parseUtcTimestamp(text) as Date).toISOString()).toBe(iso);
  });

  it('keeps infinity as PGlite does', () => {
    expect(parseUtcTimestamp('infinity')).toBe(Infinity);
    expect(parseUtcTimestamp('-infinity')).toBe(-Infinity);
  });

  it('refuses a text in another DateStyle, saying which form it expects', () => {
    expect(() => parseUtcTimestamp('11/02/2026 19:00:00')).toThrow(/YYYY-MM-DD HH:MM:SS/);
  });
});

describe('exportValue', () => {
  it('writes numbers as numbers, dates as YYYY-MM-DD and timestamps in UTC', () => {
    expect(exportValue('12.500', 1700)).toBe(12.5);
    expect(exportValue(new Date(Date.UTC(2026, 10, 2)), 1082)).toBe('2026-11-02');
    expect(exportValue(parseUtcTimestamp('2026-11-02 19:00:00'), 1114)).toBe('2026-11-02T19:00:00.000Z');
    expect(exportValue(null, 1114)).toBeNull();
  });
});

describe('writeRelationNdjson', () => {
  let w: LocalWarehouse;
  const dir = mkdtempSync(join(tmpdir(), 'streamflix-export-'));
  const example = (name: string) => fileURLToPath(new URL(name, EXAMPLES));

  beforeAll(async () => {
    w = await freshWarehouse();
    await w.loadFiles([
      { kind: 'catalog', path: example('catalog.ndjson') },
      { kind: 'users', path: example('users.ndjson') },
      { kind: 'events', path: example('events.ndjson') },
    ]);
  });
  afterAll(() => w.close());

  /** Exports through `w`'s PGlite in a transaction, noting how many rows each query returned. */
  async function exportPaged(relation: string, pageRows: number): Promise<{ path: string; written: number; largest: number }> {
    const path = join(dir, `${relation}-${pageRows}.ndjson`);
    let largest = 0;
    const written = await w.db.transaction(async (tx) => {
      const counting: ExportSource = {
        async query<T>(sql: string) {
          const result = await tx.query<T>(sql);
          largest = Math.max(largest, result.rows.length);
          return result;
        },
      };
      return writeRelationNdjson(counting, relation, path, pageRows);
    });
    return { path, written, largest };
  }

  async function allRows(relation: string): Promise<Record<string, unknown>[]> {
    const result = await w.db.query<Record<string, unknown>>(`select * from ${relation}`);
    const types = new Map(result.fields.map((f) => [f.name, f.dataTypeID]));
    return result.rows.map((r) => exportRow(r, types));
  }

  it('never holds more than a page of rows (a whole table at once stopped at ~1.2M events)', async () => {
    const { written, largest } = await exportPaged('streamflix.evt_event', 2);
    expect(written).toBe(7);
    expect(largest).toBe(2);
  });

  it.each(['streamflix.evt_event', 'streamflix.fact_viewing_session', 'streamflix.rpt_watch_time_by_user', 'streamflix.etl_quarantine'])(
    'writes every row of %s, once, as the one-query read does',
    async (relation) => {
      const { path, written } = await exportPaged(relation, 3);
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      const expected = (await allRows(relation)).map((r) => JSON.stringify(r));
      expect(written).toBe(expected.length);
      expect([...lines].sort()).toEqual([...expected].sort());
    },
  );

  it('writes an empty file for an empty table', async () => {
    const { path, written } = await exportPaged('streamflix.stg_session', 3);
    expect(written).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
