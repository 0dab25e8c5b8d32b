import type { SqlExecutor } from '../../pipeline/executor.js';
import { FEED_KINDS, pendingObjects, type FeedKind } from '../../pipeline/load.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { listBronze, listingStartAfter, type ListedObject } from './bronze-listing.js';
import { loadedKeysBetween } from './warehouse-state.js';

/** Keys per pendingObjects query: one bind parameter each, kept well inside the Data API's request limits. */
export const PENDING_CHUNK = 200;

export interface RunBounds {
  readonly maxObjects: number;
  /** Sum of object sizes; one object larger than this still goes, alone. */
  readonly maxBytes: number;
}

export interface Selection {
  /** In load order: catalog, users, then events, each by key. */
  readonly objects: ListedObject[];
  /** True when the bounds left pending objects for a later run. */
  readonly morePending: boolean;
}

/**
 * The objects this run loads: listed feed by feed from where the last loads got to,
 * filtered against the durable record of loaded keys (a key listed twice counts once),
 * and cut at the run's bounds so that a backlog drains over several runs.
 */
export async function selectObjects(
  exec: SqlExecutor,
  s3: S3Client,
  bucket: string,
  newestLoaded: Partial<Record<FeedKind, string>>,
  lookbackDays: number,
  bounds: RunBounds,
): Promise<Selection> {
  const objects: ListedObject[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const kind of FEED_KINDS) {
    const startAfter = listingStartAfter(`${kind}/`, newestLoaded[kind], lookbackDays);
    for await (const page of listBronze(s3, bucket, kind, startAfter)) {
      const fresh = page.filter((o) => !seen.has(o.key) && (seen.add(o.key), true));
      if (fresh.length === 0) continue;
      // A page is in key order: one range read sets aside what the look-back lists again.
      // The rest is asked for key by key, so should Redshift order some key otherwise than
      // S3 does, the range misses it at the cost of a query, never of a load.
      const loaded = await loadedKeysBetween(exec, fresh[0].key, fresh[fresh.length - 1].key);
      const candidates = fresh.filter((o) => !loaded.has(o.key));
      const sizes = new Map(candidates.map((o) => [o.key, o]));
      for (let i = 0; i < candidates.length; i += PENDING_CHUNK) {
        const chunk = candidates.slice(i, i + PENDING_CHUNK).map((o) => ({ kind, key: o.key, manifestUri: '' }));
        for (const { key } of await pendingObjects(exec, chunk)) {
          const object = sizes.get(key) as ListedObject;
          const fits = objects.length < bounds.maxObjects && (objects.length === 0 || bytes + object.size <= bounds.maxBytes);
          if (!fits) return { objects, morePending: true };
          objects.push(object);
          bytes += object.size;
        }
      }
    }
  }
  return { objects, morePending: false };
}
