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
