import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { MigrationsDeps } from './deps.js';
import { migrationsDepsFromEnv } from './deps.js';
import { advance } from './migrate.js';
import type { OnEventResponse } from './on-event.js';

export type IsCompleteEvent = CloudFormationCustomResourceEvent & Partial<OnEventResponse>;

/**
 * Called by the Provider framework every queryInterval until it returns true or
 * throws: follows this request's migration batches one by one (each its own
 * transaction). A failed batch throws with its file name, which fails the deploy.
 */
export async function isComplete(event: IsCompleteEvent, deps: MigrationsDeps): Promise<{ IsComplete: boolean }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const runToken = event.Data?.RunToken;
  if (!runToken) throw new Error('isComplete got no RunToken from onEvent; the Provider framework wiring is broken.');
  const progress = await advance(deps, runToken);
  if (!progress.done) console.log(JSON.stringify({ message: 'migration running', statement: progress.running }));
  return { IsComplete: progress.done };
}

export const handler = (event: IsCompleteEvent, context: Context): Promise<{ IsComplete: boolean }> =>
  isComplete(event, migrationsDepsFromEnv(context.getRemainingTimeInMillis()));
