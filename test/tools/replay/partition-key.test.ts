import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partitionKey } from '../../../tools/replay/partition-key';

describe('partitionKey', () => {
  it('uses session_id so a session stays on one shard', () => {
    expect(partitionKey('{"event_id":"e-1","session_id":"s-1"}')).toBe('s-1');
  });

  it('falls back to event_id when there is no session (ratings)', () => {
    expect(partitionKey('{"event_id":"e-1","event_type":"rate"}')).toBe('e-1');
  });

  it('hashes the line when neither parses', () => {
    const line = '{"event_id":"a9","event_type":"play"';
    expect(partitionKey(line)).toBe(createHash('sha256').update(line).digest('hex'));
  });

  it('hashes the line when the ids are unusable as keys', () => {
    expect(partitionKey(JSON.stringify({ session_id: '', event_id: 'x'.repeat(300) }))).toMatch(/^[0-9a-f]{64}$/);
    expect(partitionKey('[1,2]')).toMatch(/^[0-9a-f]{64}$/);
  });
});
