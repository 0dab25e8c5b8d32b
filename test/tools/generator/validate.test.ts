import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventTimestamp, validateEventLine } from '../../../tools/generator/validate';

const example = readFileSync(new URL('../../../../shared/spec/examples/events.ndjson', import.meta.url), 'utf8').split('\n');

const valid = {
  event_id: 'e-1', event_type: 'play', event_ts: '2026-10-03T20:00:00Z', user_id: 'u-1', content_id: 'mv-1',
  session_id: 's-1', position_sec: 0, device: { device_id: 'd-1', device_type: 'TV' }, utc_offset_minutes: -300,
};
const line = (patch: Record<string, unknown>): string => JSON.stringify({ ...valid, ...patch });

describe('validateEventLine (events.md)', () => {
  it('accepts the spec example event', () => {
    expect(validateEventLine(line({}))).toMatchObject({ ok: true, event: { eventId: 'e-1', ts: Date.parse('2026-10-03T20:00:00Z') } });
  });

  it('classifies the worked example: 8 valid lines, a8 missing session_id, a9 truncated', () => {
    const verdicts = example.map(validateEventLine).filter((v) => v !== undefined);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(8);
    expect(verdicts.filter((v) => !v.ok)).toEqual([
      { ok: false, reason: 'invalid_field', detail: 'session_id' },
      { ok: false, reason: 'malformed_json', detail: null },
    ]);
  });

  it('skips blank lines', () => {
    expect(validateEventLine('   ')).toBeUndefined();
    expect(validateEventLine(' \t\v\f\r')).toBeUndefined();
  });

  it.each(['\u00a0', '\u2003', '\ufeff'])('calls a line of %j alone malformed_json, as the warehouse does: white space is ASCII', (text) => {
    expect(validateEventLine(text)).toMatchObject({ reason: 'malformed_json' });
  });

  it.each(['[1]', '42', 'null', '"play"', '{"event_id":'])('calls %s malformed_json', (text) => {
    expect(validateEventLine(text)).toMatchObject({ reason: 'malformed_json' });
  });

  it('checks the event type before the fields', () => {
    expect(validateEventLine(JSON.stringify({ event_type: 'buffering' }))).toMatchObject({ reason: 'unknown_event_type' });
  });

  it.each([
    [{ event_id: 'x'.repeat(65) }, 'event_id'],
    [{ event_type: 3 }, 'event_type'],
    [{ event_ts: '2026-10-03T20:00:00' }, 'event_ts'],
    [{ event_ts: '2026-02-30T20:00:00Z' }, 'event_ts'],
    [{ user_id: '' }, 'user_id'],
    [{ content_id: 7 }, 'content_id'],
    [{ device: { device_type: 'tv' } }, 'device'],
    [{ utc_offset_minutes: 900 }, 'utc_offset_minutes'],
    [{ position_sec: -1 }, 'position_sec'],
    [{ event_type: 'seek', from_position_sec: -2 }, 'from_position_sec'],
    [{ event_type: 'rate', rating: 6 }, 'rating'],
    [{ event_id: '', user_id: '' }, 'event_id'],
  ])('names the first bad field: %j → %s', (patch, detail) => {
    expect(validateEventLine(line(patch))).toEqual({ ok: false, reason: 'invalid_field', detail });
  });

  it('reads zones into UTC', () => {
    expect(parseEventTimestamp('2026-11-02T20:00:00+01:00')).toBe(Date.parse('2026-11-02T19:00:00Z'));
    expect(parseEventTimestamp('2026-11-02T13:15:00.250-05:45')).toBe(Date.parse('2026-11-02T19:00:00.250Z'));
  });
});
