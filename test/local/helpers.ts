/** Shared set-up for the PGlite tests: one migrated image per process, fresh warehouses from it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedKind } from '../../pipeline/load';
import { openLocalWarehouse, type FileLoadOutcome, type LocalWarehouse } from '../../local/warehouse';

let image: Promise<Blob> | undefined;

/** A new, empty, migrated warehouse (started from a cached image: fast). */
export async function freshWarehouse(): Promise<LocalWarehouse> {
  image ??= (async () => {
    const w = await openLocalWarehouse();
    const blob = await w.dump();
    await w.close();
    return blob;
  })();
  return openLocalWarehouse({ loadDataDir: await image });
}

const dir = mkdtempSync(join(tmpdir(), 'streamflix-test-'));
let counter = 0;

/** Writes lines (objects are JSON-encoded, strings kept verbatim) to a new file. */
export function writeLines(lines: readonly (object | string)[], name?: string): string {
  counter += 1;
  const path = join(dir, name ?? `f${counter}.ndjson`);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

/** Loads the lines as one load of the given kind. */
export async function load(w: LocalWarehouse, kind: FeedKind, lines: readonly (object | string)[]): Promise<FileLoadOutcome> {
  const [outcome] = await w.loadFiles([{ kind, path: writeLines(lines) }]);
  return outcome;
}

export async function rows(w: LocalWarehouse, sql: string): Promise<Record<string, unknown>[]> {
  return (await w.db.query<Record<string, unknown>>(sql)).rows;
}

export const EXAMPLES = new URL('../../../shared/spec/examples/', import.meta.url);

export interface EventInput {
  id: string;
  type: string;
  ts: string;
  session?: string;
  pos?: number;
  user?: string;
  content?: string;
  device?: string;
  deviceType?: string;
  offset?: number;
  rating?: number;
  from?: number;
}

/** A valid event line (schema version 1) from short fields. */
export function ev(e: EventInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event_id: e.id,
    event_type: e.type,
    event_ts: e.ts,
    user_id: e.user ?? 'u-1',
    content_id: e.content ?? 'mv-1',
    device: { device_id: e.device ?? 'd-1', device_type: e.deviceType ?? 'tv' },
  };
  if (e.offset !== undefined) out.utc_offset_minutes = e.offset;
  if (e.type !== 'rate') {
    out.session_id = e.session ?? 's-1';
    out.position_sec = e.pos ?? 0;
  } else out.rating = e.rating ?? 3;
  if (e.from !== undefined) out.from_position_sec = e.from;
  return out;
}

export function movie(id: string, duration: number, genres: string[] = ['drama'], title = `Title ${id}`): Record<string, unknown> {
  return { content_id: id, content_type: 'movie', title, duration_sec: duration, genres };
}

export function userSnap(id: string, updatedAt: string, plan: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { user_id: id, updated_at: updatedAt, country: 'DE', plan, subscription_status: 'active', ...extra };
}
