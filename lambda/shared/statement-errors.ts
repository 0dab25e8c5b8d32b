/** A Data API statement (or batch) that ended FAILED or ABORTED. */
export class StatementFailedError extends Error {
  override readonly name = 'StatementFailedError';

  constructor(
    readonly statementId: string,
    readonly statementName: string | undefined,
    readonly status: 'FAILED' | 'ABORTED',
    /** The error text Redshift reported, when it reported one. */
    readonly redshiftError: string | undefined,
    /** For a batch: the 0-based index of the sub-statement that failed, when known. */
    readonly failedStatementIndex: number | undefined,
  ) {
    const where = failedStatementIndex === undefined ? '' : ` at statement ${failedStatementIndex + 1}`;
    super(
      `Redshift statement ${statementName ?? statementId} (${statementId}) ${status}${where}: ` +
        (redshiftError ?? (status === 'ABORTED' ? 'cancelled before it finished' : 'no error text returned')),
    );
  }
}

/** The wait for a statement ran out of time; the statement itself may still be running. */
export class StatementTimeoutError extends Error {
  override readonly name = 'StatementTimeoutError';

  constructor(
    readonly statementId: string,
    readonly statementName: string | undefined,
    readonly lastStatus: string | undefined,
  ) {
    super(
      `Gave up waiting for Redshift statement ${statementName ?? statementId} (${statementId}), ` +
        `last status ${lastStatus ?? 'unknown'}; it may still be running and will be seen as in flight by the next run.`,
    );
  }
}
