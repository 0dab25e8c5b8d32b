/** Injected so that tests never wait. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackoffPolicy {
  /** First delay. */
  readonly initialDelayMs: number;
  /** Cap on any one delay. */
  readonly maxDelayMs: number;
  /** Growth factor between consecutive delays. */
  readonly multiplier: number;
}

/** Capped exponential delay for the given 0-based attempt. */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
}

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
]);

/** Throttling is transient: the same request may simply be sent again later. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (name !== undefined && THROTTLING_ERRORS.has(name)) || $metadata?.httpStatusCode === 429;
}

export interface ThrottleRetry extends BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly sleep: Sleep;
  /**
   * No retry whose wait would end after this time (on `now`): the caller's own end, so
   * that sustained throttling cannot carry a run past its invocation.
   * @default none: `maxAttempts` alone bounds the retries
   */
  readonly deadline?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Runs `call`, retrying it with capped exponential backoff while it is throttled.
 * Anything else, and the last throttling error, propagates (also the one after which the
 * next wait would pass the deadline).
 */
export async function withThrottleRetry<T>(call: () => Promise<T>, retry: ThrottleRetry): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt + 1 >= retry.maxAttempts) throw error;
      const delay = backoffDelay(attempt, retry);
      if (retry.deadline !== undefined && (retry.now ?? Date.now)() + delay > retry.deadline) throw error;
      await retry.sleep(delay);
    }
  }
}
