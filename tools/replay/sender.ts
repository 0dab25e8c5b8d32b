/**
 * Sends one batch with PutRecords and retries only the entries that failed
 * (PutRecords is not atomic: some entries may be throttled while others land),
 * with exponential backoff and full jitter, until they land or attempts run out.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { OutRecord } from './batcher';

export interface RetryPolicy {
  /** Attempts per record, the first send included. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff base. @default 100 ms */
  readonly baseDelayMs?: number;
  /** Backoff cap. @default 5,000 ms */
  readonly maxDelayMs?: number;
  /** Waits; injectable so tests never sleep. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface BatchOutcome {
  readonly sent: number;
  /** Record sends beyond the first (a record retried twice counts twice). */
  readonly retried: number;
  readonly failed: number;
  /** Error codes of the entries that never landed, with their sources. */
  readonly failures: readonly { readonly source: string; readonly error: string }[];
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors worth retrying as a whole request: throttling, service trouble, the network. */
function retryable(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e.$retryable !== undefined) return true;
  if (['ProvisionedThroughputExceededException', 'LimitExceededException', 'ThrottlingException', 'KMSThrottlingException', 'InternalFailure', 'ServiceUnavailable'].includes(e.name ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'].includes(e.code ?? '');
}

/** A failed request's error as a line: its name, the system's code (ECONNREFUSED) and message. */
function describeError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  const head = [e.name ?? 'Error', e.code].filter((p) => p !== undefined && p !== '').join(' ');
  const message = (e.message ?? '').split('\n')[0].slice(0, 200);
  return message === '' || message === e.code ? head : `${head}: ${message}`;
}

export async function putRecordsWithRetry(client: KinesisClient, streamName: string, batch: readonly OutRecord[], policy: RetryPolicy = {}): Promise<BatchOutcome> {
  const maxAttempts = policy.maxAttempts ?? 8;
  const base = policy.baseDelayMs ?? 100;
  const cap = policy.maxDelayMs ?? 5_000;
  const sleep = policy.sleep ?? defaultSleep;
  const random = policy.random ?? Math.random;
  let pending = batch;
  let sent = 0;
  let retried = 0;
  let lastErrors: string[] = pending.map(() => 'not sent');
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) {
      await sleep(random() * Math.min(cap, base * 2 ** (attempt - 2)));
      retried += pending.length;
    }
    let failedIndexes: number[];
    try {
      const response = await client.send(new PutRecordsCommand({
        StreamName: streamName,
        Records: pending.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
      }));
      const results = response.Records ?? [];
      failedIndexes = [];
      lastErrors = [];
      pending.forEach((_, i) => {
        const result = results[i];
        if (result === undefined || result.ErrorCode !== undefined) {
          failedIndexes.push(i);
          lastErrors.push(result?.ErrorCode ?? 'no result');
        }
      });
    } catch (error) {
      if (!retryable(error)) throw error;
      failedIndexes = pending.map((_, i) => i);
      lastErrors = pending.map(() => describeError(error));
    }
    sent += pending.length - failedIndexes.length;
    const remaining = failedIndexes.map((i) => pending[i]!);
    if (remaining.length > 0 && attempt >= maxAttempts) {
      return { sent, retried, failed: remaining.length, failures: remaining.map((r, i) => ({ source: r.source, error: lastErrors[i] ?? 'unknown' })) };
    }
    pending = remaining;
  }
  return { sent, retried, failed: 0, failures: [] };
}
