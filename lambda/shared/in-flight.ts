import { ListStatementsCommand, type RedshiftDataClient, type StatementData } from '@aws-sdk/client-redshift-data';
import { withThrottleRetry, type ThrottleRetry } from './backoff.js';

/** Statuses of a statement that has been accepted and has not ended yet. */
export const IN_FLIGHT_STATUSES = ['SUBMITTED', 'PICKED', 'STARTED'] as const;

/**
 * Statements with exactly this name that are still running, from any earlier invocation
 * of the calling role (ListStatements' RoleLevel). A Data API statement outlives the
 * Lambda that submitted it (a timed-out run leaves its load running), so reserved
 * concurrency alone cannot tell whether a load is in flight; this can.
 * @param matches which of the names ListStatements finds by prefix count
 * @default matches the exact name only
 */
export async function inFlightStatements(
  client: RedshiftDataClient,
  statementName: string,
  retry: ThrottleRetry,
  matches: (name: string) => boolean = (name) => name === statementName,
): Promise<StatementData[]> {
  const found: StatementData[] = [];
  // ListStatements filters on one status at a time.
  for (const status of IN_FLIGHT_STATUSES) {
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await withThrottleRetry(
        () =>
          client.send(
            new ListStatementsCommand({ StatementName: statementName, Status: status, RoleLevel: true, NextToken: token }),
          ),
        retry,
      );
      // StatementName filters by prefix; `streamflix-load-dev` must not match `streamflix-load-dev2`.
      found.push(...(page.Statements ?? []).filter((s) => matches(s.StatementName ?? '')));
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return found;
}
