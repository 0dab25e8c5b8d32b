/**
 * Where things live in the bronze bucket; shared by the handler and the construct
 * that scopes its IAM policy to the same prefixes.
 */
import { NUMBERED_KINDS } from '../../pipeline/numbered-copy.js';

export const FEED_PREFIXES = ['catalog/', 'users/', 'events/'] as const;

/** The feeds the sessionizer reads itself, to write their numbered copies. */
export const NUMBERED_FEED_PREFIXES: readonly string[] = NUMBERED_KINDS.map((kind) => `${kind}/`);

/** Manifests and numbered copies live under their own prefix, the only one the sessionizer may write. */
export const MANIFEST_PREFIX = 'manifests/';
