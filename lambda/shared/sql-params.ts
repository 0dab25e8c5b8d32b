import type { SqlParameter } from '@aws-sdk/client-redshift-data';
import type { SqlParams, SqlValue } from '../../pipeline/executor.js';
import { paramReferences } from '../../pipeline/sql-params.js';

/** The parameter names a statement references, in order of first use. */
export function referencedParams(sql: string): string[] {
  return [...new Set(paramReferences(sql).map((r) => r.name))];
}

function toText(name: string, value: SqlValue): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length === 0) {
    // The Data API rejects empty parameter values with an opaque ValidationException.
    throw new Error(
      `Parameter :${name} is an empty string, which the Redshift Data API cannot bind; ` +
        'pass a non-empty value or handle the empty case in SQL (e.g. nullif).',
    );
  }
  return text;
}

/**
 * The Data API parameters for a set of statements: every referenced name must have a
 * value, and a provided name no statement references is left out (the Data API rejects
 * unreferenced parameters).
 */
export function toDataApiParameters(
  statements: readonly string[],
  params: SqlParams = {},
): SqlParameter[] | undefined {
  const referenced = new Set(statements.flatMap(referencedParams));
  const missing = [...referenced].filter((name) => !Object.hasOwn(params, name));
  if (missing.length > 0) {
    throw new Error(
      `SQL references ${missing.map((n) => `:${n}`).join(', ')} but no value was given; ` +
        'add it to the params passed to the executor.',
    );
  }
  const parameters = [...referenced].map((name) => ({ name, value: toText(name, params[name] as SqlValue) }));
  return parameters.length > 0 ? parameters : undefined;
}
