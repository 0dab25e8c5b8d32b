/**
 * Where things live in the bronze bucket; shared by the handler and the construct
 * that scopes its IAM policy to the same prefixes.
 */
export const FEED_PREFIXES = ['catalog/', 'users/', 'events/'] as const;

/** Manifests live under their own prefix, the only one the sessionizer may write. */
export const MANIFEST_PREFIX = 'manifests/';
