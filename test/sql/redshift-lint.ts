/**
 * Constructs Redshift lacks (CONTRIBUTING.md), as regular expressions over SQL text with
 * comments and string literals blanked out.
 */
export interface LintRule {
  readonly id: string;
  readonly why: string;
  readonly pattern: RegExp;
}

export const RULES: readonly LintRule[] = [
  { id: 'corr', why: 'no CORR/REGR_* on Redshift: compute Pearson r from sums', pattern: /\b(corr|regr_[a-z]+)\s*\(/i },
  { id: 'on-conflict', why: 'no ON CONFLICT: use MERGE from a staging table', pattern: /\bon\s+conflict\b/i },
  { id: 'array', why: 'no arrays on Redshift', pattern: /\barray\s*\[|\b[a-z_]+\s*\[\s*\]|\barray_agg\s*\(|\bunnest\s*\(/i },
  { id: 'serial', why: 'no SERIAL/sequences: use IDENTITY or max()+row_number()', pattern: /\b(big|small)?serial\b|\bnextval\s*\(|\bcreate\s+sequence\b/i },
  { id: 'generate-series', why: 'GENERATE_SERIES runs on the leader node only and cannot feed a table', pattern: /\bgenerate_series\s*\(/i },
  { id: 'is-distinct-from', why: 'no IS [NOT] DISTINCT FROM on Redshift', pattern: /\bis\s+(not\s+)?distinct\s+from\b/i },
  { id: 'string-agg', why: 'no STRING_AGG/ARRAY_AGG: use LISTAGG', pattern: /\b(string_agg|array_agg)\s*\(/i },
  {
    id: 'range-frame',
    why: 'an aggregate window with ORDER BY needs an explicit ROWS frame (no RANGE frames)',
    pattern: /\b(sum|count|avg|min|max)\s*\((?:[^()]|\([^()]*\))*\)\s*over\s*\((?![^)]*\brows\b)[^)]*\border\s+by\b[^)]*\)|\brange\s+between\b/i,
  },
  { id: 'merge-subquery', why: 'MERGE source must be a table, not a subquery', pattern: /\bmerge\s+into\s+[a-z0-9_.]+(\s+(as\s+)?[a-z_]+)?\s+using\s*\(/i },
  { id: 'merge-when-and', why: 'MERGE allows no extra conditions on WHEN', pattern: /\bwhen\s+(not\s+)?matched\s+and\b/i },
  { id: 'qualify', why: 'no QUALIFY: filter a window in an outer query', pattern: /\bqualify\b/i },
  { id: 'truncate', why: 'TRUNCATE commits the transaction on Redshift: use DELETE', pattern: /\btruncate\b/i },
  {
    id: 'offset',
    why: 'no OFFSET: Redshift wants it positive and runs it as a step of its own; a planner fence for the local engine is a /*+ fence */ comment',
    pattern: /\boffset\b/i,
  },
  {
    // A migration runs as one transaction (BatchExecuteStatement); these refuse to run in one.
    id: 'outside-transaction',
    why: 'ALTER COLUMN … TYPE, ALTER TABLE APPEND and VACUUM cannot run in a transaction block on Redshift: add a column, copy, drop, rename',
    pattern: /\balter\s+column\s+[a-z0-9_"]+\s+type\b|\bappend\s+from\b|\bvacuum\b/i,
  },
  { id: 'materialized-cte', why: 'no MATERIALIZED CTE hint on Redshift', pattern: /\bas\s+(not\s+)?materialized\s*\(/i },
  { id: 'filter-clause', why: 'no aggregate FILTER (WHERE …): use CASE', pattern: /\bfilter\s*\(\s*where\b/i },
  { id: 'create-function', why: 'no user-defined functions needed (and plpgsql differs)', pattern: /\bcreate\s+(or\s+replace\s+)?function\b/i },
  {
    // Same name, other results: the local engine would not show what Redshift computes.
    id: 'regexp-replace',
    why: 'REGEXP_REPLACE replaces every match on Redshift and the first on PostgreSQL: use REPLACE, SUBSTRING and STRPOS',
    pattern: /\bregexp_replace\s*\(/i,
  },
  {
    // A leader-node-only function fails in any query that touches a user or STL table.
    id: 'leader-node-only',
    why: 'leader-node-only functions (SUBSTR, NOW, CURRENT_TIMESTAMP, AGE, …) fail on tables: use SUBSTRING, GETDATE, SYSDATE',
    pattern: /\b(substr|now|age|isfinite|factorial|current_schemas?|has_(database|schema|table)_privilege)\s*\(|\b(current_timestamp|current_time|localtime)\b/i,
  },
];

/** SQL with -- and block comments and '…' literals replaced by spaces (identifiers kept). */
export function codeOnly(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/--[^\n]*/g, (m) => ' '.repeat(m.length))
    .replace(/'(?:[^']|'')*'/g, (m) => `'${' '.repeat(m.length - 2)}'`);
}

/** The rule ids the text breaks. */
export function lint(sql: string): string[] {
  const code = codeOnly(sql);
  return RULES.filter((r) => r.pattern.test(code)).map((r) => r.id);
}
