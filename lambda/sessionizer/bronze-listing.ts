import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { FeedKind } from '../../pipeline/load.js';

/** One listed bronze object, before it is known to be pending. */
export interface ListedObject {
  readonly kind: FeedKind;
  readonly key: string;
  readonly size: number;
}

/** `events/dt=2026-11-21/…` (the Firehose prefix) or `events/2026/11/21/…` (Firehose's default). */
const PARTITION = /^(dt=)?(\d{4})([-/])(\d{2})\3(\d{2})/;

/**
 * Where a listing of `prefix` may start: at the date partition `lookbackDays` before the
 * newest key already loaded from it. Keys sort by partition date, so everything before
 * is loaded; the look-back covers objects that land late in a recent partition.
 * Undefined (list the whole prefix) before the first load, or for keys without a date.
 */
export function listingStartAfter(prefix: string, newestLoadedKey: string | undefined, lookbackDays: number): string | undefined {
  if (!newestLoadedKey?.startsWith(prefix)) return undefined;
  const m = PARTITION.exec(newestLoadedKey.slice(prefix.length));
  if (!m) return undefined;
  const [, dt = '', year, sep, month, day] = m;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day) - lookbackDays));
  const yyyy = String(date.getUTCFullYear()).padStart(4, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  // Every key of that partition sorts after the bare partition name.
  return `${prefix}${dt}${yyyy}${sep}${mm}${sep}${dd}`;
}

/** Pages of a prefix in key order; folder markers (`…/`) and empty objects are skipped. */
export async function* listBronze(
  s3: S3Client,
  bucket: string,
  kind: FeedKind,
  startAfter: string | undefined,
): AsyncGenerator<ListedObject[]> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: `${kind}/`,
        StartAfter: token ? undefined : startAfter,
        ContinuationToken: token,
      }),
    );
    yield (page.Contents ?? [])
      .filter((o) => o.Key && !o.Key.endsWith('/') && (o.Size ?? 0) > 0)
      .map((o) => ({ kind, key: o.Key as string, size: o.Size ?? 0 }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
