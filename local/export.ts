import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * The export format of local-run.md: integers and decimals as JSON numbers (PGlite
 * returns numeric and bigint as strings), dates `YYYY-MM-DD`, timestamps
 * `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, booleans, null.
 */
const NUMERIC_TYPES = new Set([20, 21, 23, 700, 701, 1700]);
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a date PGlite returned as a local-midnight or UTC Date. */
function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const PG_TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?( BC)?$/;

/**
 * A `timestamp` (without time zone) as PostgreSQL writes it, read as UTC. Every timestamp
 * of the warehouse is UTC (events are converted on load, `getdate()` is UTC, as on
 * Redshift); PGlite's own parser reads them in the machine's time zone, which moved every
 * exported timestamp by the machine's offset outside UTC.
 */
export function parseUtcTimestamp(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = PG_TIMESTAMP.exec(text);
  if (!m) throw new Error(`unexpected timestamp text from PGlite: ${text}; expected YYYY-MM-DD HH:MM:SS[.ffffff] (DateStyle ISO)`);
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  // built in a leap year, then moved to its own: Date.UTC maps years 0-99 to 1900-1999
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  d.setUTCFullYear(m[8] ? 1 - Number(m[1]) : Number(m[1]));
  return d;
}

/** PGlite parsers for the local warehouse: timestamps as UTC. */
export const UTC_PARSERS = { [TIMESTAMP]: parseUtcTimestamp } as const;

/** One value as it goes into an export row; `typeId` is the PostgreSQL type OID. */
export function exportValue(value: unknown, typeId?: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeId !== undefined && NUMERIC_TYPES.has(typeId)) return Number(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) {
    if (typeId === DATE) return isoDate(value);
    if (typeId === TIMESTAMP || typeId === TIMESTAMPTZ || typeId === undefined) return value.toISOString();
  }
  if (typeId === DATE && typeof value === 'string') return value.slice(0, 10);
  return value;
}

/** What `writeRelationNdjson` needs of PGlite (or of a transaction of it). */
export interface ExportSource {
  query<T>(sql: string): Promise<{ rows: T[]; fields: { name: string; dataTypeID: number }[] }>;
}

/** Rows per fetch: a page of the widest table is a few MB of text. */
export const EXPORT_PAGE_ROWS = 10_000;

/** One row of a result as it goes into the export, each value by its column's type. */
export function exportRow(row: Record<string, unknown>, types: ReadonlyMap<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = exportValue(v, types.get(k));
  return out;
}

/**
 * Writes every row of `relation` to `path`, one JSON object per line, reading it through a
 * cursor a page at a time. The whole table read at once, and its lines joined into one
 * string, stopped at JavaScript's largest string (~512 MiB; `evt_event` passes it at about
 * 1.2M events) and held the table in memory twice. The cursor needs a transaction: `source`
 * is one. Returns the rows written.
 */
export async function writeRelationNdjson(source: ExportSource, relation: string, path: string, pageRows = EXPORT_PAGE_ROWS): Promise<number> {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    await source.query(`declare export_rows no scroll cursor for select * from ${relation}`);
    for (;;) {
      const page = await source.query<Record<string, unknown>>(`fetch forward ${pageRows} from export_rows`);
      if (page.rows.length === 0) break;
      const types = new Map(page.fields.map((f) => [f.name, f.dataTypeID]));
      writeSync(fd, page.rows.map((r) => JSON.stringify(exportRow(r, types)) + '\n').join(''));
      written += page.rows.length;
    }
    await source.query('close export_rows');
  } finally {
    closeSync(fd);
  }
  return written;
}
