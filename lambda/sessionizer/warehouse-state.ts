import type { SqlExecutor } from '../../pipeline/executor.js';
import { isoMillis, type FeedKind } from '../../pipeline/load.js';

/**
 * The two bookkeeping reads the scheduler needs besides the load itself; both read
 * the tables `pipeline/load.ts` writes (etl_loaded_object, etl_batch).
 */

/** The newest object key loaded so far, per feed: where the next listing may start. */
export async function newestLoadedKeys(exec: SqlExecutor): Promise<Partial<Record<FeedKind, string>>> {
  const rows = await exec.query(
    'select kind, max(object_key) as newest_key from streamflix.etl_loaded_object group by kind',
  );
  return Object.fromEntries(rows.map((r) => [String(r.kind), String(r.newest_key)]));
}

/** The watermark (latest valid event time loaded), or null before the first event. */
export async function currentWatermark(exec: SqlExecutor): Promise<Date | null> {
  const rows = await exec.query(
    `select ${isoMillis('max(watermark_ts)')} as watermark from streamflix.etl_batch`,
  );
  const text = rows[0]?.watermark;
  return typeof text === 'string' ? new Date(text) : null;
}

/**
 * The loaded keys from `first` to `last` (inclusive, in the table's sort order: a range on
 * its sort key). One read per listing page sets aside the keys of the look-back that are
 * loaded already, however many days it spans.
 */
export async function loadedKeysBetween(exec: SqlExecutor, first: string, last: string): Promise<Set<string>> {
  const rows = await exec.query(
    'select object_key from streamflix.etl_loaded_object where object_key >= :first_key and object_key <= :last_key',
    { first_key: first, last_key: last },
  );
  return new Set(rows.map((r) => String(r.object_key)));
}
