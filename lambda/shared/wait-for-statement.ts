import {
  DescribeStatementCommand,
  type DescribeStatementResponse,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { backoffDelay, withThrottleRetry, type BackoffPolicy, type ThrottleRetry } from './backoff.js';
import { StatementFailedError, StatementTimeoutError } from './statement-errors.js';

export interface WaitOptions {
  readonly poll: BackoffPolicy;
  readonly throttle: ThrottleRetry;
  /** Stop waiting after this long (the statement keeps running in Redshift). */
  readonly timeoutMs: number;
  /**
   * Stop waiting at this time (on `now`), whatever `timeoutMs` allows: the end of the
   * caller's own time, shared by all its statements.
   * @default none: each statement may wait `timeoutMs`
   */
  readonly deadline?: number;
  readonly now: () => number;
}

/** Index of the failing sub-statement of a batch, from DescribeStatement's sub-statement list. */
function failedIndex(described: DescribeStatementResponse): number | undefined {
  // Statements after the failing one end ABORTED, so a FAILED one is the culprit.
  const subs = described.SubStatements ?? [];
  const failed = subs.findIndex((s) => s.Status === 'FAILED');
  const index = failed >= 0 ? failed : subs.findIndex((s) => s.Status === 'ABORTED');
  return index < 0 ? undefined : index;
}

function failedError(described: DescribeStatementResponse): string | undefined {
  if (described.Error) return described.Error;
  const index = failedIndex(described);
  return index === undefined ? undefined : described.SubStatements?.[index]?.Error;
}

/** The error for a FAILED or ABORTED statement (for a batch: which statement failed). */
export function statementFailure(
  described: DescribeStatementResponse & { Status: 'FAILED' | 'ABORTED' },
  statementName: string | undefined,
): StatementFailedError {
  return new StatementFailedError(
    described.Id ?? 'unknown',
    statementName,
    described.Status,
    failedError(described),
    failedIndex(described),
  );
}

/**
 * Polls DescribeStatement with capped exponential backoff until the statement ends.
 * FINISHED returns the description; FAILED and ABORTED throw a StatementFailedError
 * carrying Redshift's error text (and, for a batch, which statement failed).
 */
export async function waitForStatement(
  client: RedshiftDataClient,
  id: string,
  statementName: string | undefined,
  options: WaitOptions,
): Promise<DescribeStatementResponse> {
  const deadline = Math.min(options.now() + options.timeoutMs, options.deadline ?? Infinity);
  for (let attempt = 0; ; attempt += 1) {
    const described = await withThrottleRetry(
      () => client.send(new DescribeStatementCommand({ Id: id })),
      options.throttle,
    );
    switch (described.Status) {
      case 'FINISHED':
        return described;
      case 'FAILED':
      case 'ABORTED':
        throw statementFailure({ ...described, Id: id, Status: described.Status }, statementName);
      default: {
        const delay = backoffDelay(attempt, options.poll);
        if (options.now() + delay > deadline) throw new StatementTimeoutError(id, statementName, described.Status);
        await options.throttle.sleep(delay);
      }
    }
  }
}
