/**
 * The one seam between the warehouse logic and an engine.
 *
 * The Lambda gets a Redshift Data API executor (`lambda/shared/data-api-executor.ts`),
 * the local run a PGlite executor (`local/pglite-executor.ts`). Everything above this
 * interface (which SQL runs, in which order, with which parameters) is shared.
 */

/** A bind value. The Data API sends every value as a string; PGlite receives it typed. */
export type SqlValue = string | number | boolean;

/**
 * Named parameters, referenced in SQL as `:name` (the Data API's syntax).
 * Values always travel as parameters, never interpolated into SQL text.
 */
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** One result row, keyed by lower-case column name. */
export type Row = Readonly<Record<string, unknown>>;

export interface SqlExecutor {
  /** Runs one statement (auto-commit) and returns its rows, if any. */
  query(sql: string, params?: SqlParams): Promise<readonly Row[]>;

  /**
   * Runs the statements in order as one transaction: all of them commit, or none.
   * `params` are shared by every statement (as BatchExecuteStatement's are); a name
   * not referenced by any statement is not sent.
   */
  transaction(statements: readonly string[], params?: SqlParams): Promise<void>;
}
