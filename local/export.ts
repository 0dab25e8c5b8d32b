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
