import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';
import type { Row } from '../../pipeline/executor.js';

/**
 * Values are typed the way the local PGlite engine types them, so that the shared
 * pipeline code sees the same shapes from both engines: integers, floats and booleans
 * as JS primitives, numeric as a string (exact), date and timestamps as Date (UTC).
 */
function fromString(text: string, typeName: string): unknown {
  switch (typeName) {
    case 'date':
      return new Date(`${text}T00:00:00.000Z`);
    case 'timestamp':
      return new Date(`${text.replace(' ', 'T')}Z`);
    case 'timestamptz':
      // Redshift prints `2026-01-02 03:04:05.678+00`; ISO-8601 wants `+00:00`.
      return new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
      return Number(text);
    default:
      return text;
  }
}

function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) return fromString(field.stringValue, column?.typeName?.toLowerCase() ?? '');
  if (field.blobValue !== undefined) return field.blobValue;
  return null;
}

/** One page of GetStatementResult as rows keyed by lower-case column name. */
export function toRows(records: readonly Field[][], columns: readonly ColumnMetadata[]): Row[] {
  const names = columns.map((c, i) => (c.label ?? c.name ?? `column_${i + 1}`).toLowerCase());
  return records.map((record) =>
    Object.fromEntries(record.map((field, i) => [names[i] ?? `column_${i + 1}`, fieldValue(field, columns[i])])),
  );
}
