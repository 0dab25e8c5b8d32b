import { describe, expect, it } from 'vitest';
import { toRows } from '../../../lambda/shared/result-rows.js';

describe('toRows', () => {
  it('keys rows by lower-case column name', () => {
    expect(toRows([[{ longValue: 1 }]], [{ name: 'Batch_ID', typeName: 'int8' }])).toEqual([{ batch_id: 1 }]);
  });

  it('types values as the local engine does', () => {
    const rows = toRows(
      [
        [
          { isNull: true },
          { booleanValue: true },
          { doubleValue: 1.5 },
          { stringValue: '12.50' },
          { stringValue: '2026-11-21' },
          { stringValue: '2026-11-21 10:20:30.5' },
          { stringValue: '2026-11-21 10:20:30+00' },
          { stringValue: 'abc' },
        ],
      ],
      [
        { name: 'n', typeName: 'varchar' },
        { name: 'b', typeName: 'bool' },
        { name: 'f', typeName: 'float8' },
        { name: 'd', typeName: 'numeric' },
        { name: 'day', typeName: 'date' },
        { name: 'ts', typeName: 'timestamp' },
        { name: 'tz', typeName: 'timestamptz' },
        { name: 's', typeName: 'varchar' },
      ],
    );
    expect(rows).toEqual([
      {
        n: null,
        b: true,
        f: 1.5,
        d: '12.50',
        day: new Date('2026-11-21T00:00:00Z'),
        ts: new Date('2026-11-21T10:20:30.500Z'),
        tz: new Date('2026-11-21T10:20:30Z'),
        s: 'abc',
      },
    ]);
  });
});
