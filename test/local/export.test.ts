import { describe, expect, it } from 'vitest';
import { exportValue, parseUtcTimestamp } from '../../local/export';

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
