/**
 * The partition key of a line: its `session_id`, so that all events of a session
 * land on one shard in order; the `event_id` when there is none (ratings); a hash
 * of the line when neither parses (bad lines still need a key to be sent).
 */
import { createHash } from 'node:crypto';

/** Kinesis accepts partition keys of 1 to 256 Unicode characters. */
const MAX_KEY = 256;

function usable(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && [...value].length <= MAX_KEY;
}

export function partitionKey(line: string): string {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const event = parsed as Record<string, unknown>;
      if (usable(event.session_id)) return event.session_id;
      if (usable(event.event_id)) return event.event_id;
    }
  } catch {
    // Not JSON: fall through to the hash.
  }
  return createHash('sha256').update(line).digest('hex');
}
