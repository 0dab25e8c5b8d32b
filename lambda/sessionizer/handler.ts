import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { CommittedLoadReadError } from '../../pipeline/load.js';
import { realSleep, type ThrottleRetry } from '../shared/backoff.js';
import { DataApiExecutor } from '../shared/data-api-executor.js';
import { inFlightStatements } from '../shared/in-flight.js';
import { sessionizerConfigFromEnv, type SessionizerConfig } from './config.js';
import { runSessionizer, type RunSummary } from './run.js';
import { report } from './telemetry.js';
import { METRICS_NAMESPACE } from './telemetry-names.js';

/** Leave this much of the invocation for reading the result back and flushing metrics. */
const RESERVE_MS = 30_000;
/** Of the reserve, this much for flushing metrics and the log: the read-back has the rest. */
const FLUSH_MS = 5_000;

interface Clients {
  readonly config: SessionizerConfig;
  readonly redshift: RedshiftDataClient;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

let clients: Clients | undefined;

/** Created on the first invocation and reused: importing the module does no work. */
function clientsFromEnv(): Clients {
  if (clients) return clients;
  const config = sessionizerConfigFromEnv(process.env);
  const service = config.statementName;
  clients = {
    config,
    redshift: new RedshiftDataClient({}),
    s3: new S3Client({}),
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
  };
  return clients;
}

export async function handler(_event: unknown, context: Context): Promise<RunSummary> {
  const { config, redshift, s3, logger, metrics } = clientsFromEnv();
  logger.addContext(context);
  const retry: ThrottleRetry = { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, sleep: realSleep };
  const remaining = context.getRemainingTimeInMillis();
  // one deadline for every statement it runs (and the copies before them), not a fresh budget per step
  const deadlineLeaving = (leaveMs: number) => Date.now() + Math.max(1_000, remaining - leaveMs);
  const executorLeaving = (leaveMs: number) =>
    new DataApiExecutor({ ...config, client: redshift, statementName: config.statementName, deadline: deadlineLeaving(leaveMs) });
  const executor = executorLeaving(RESERVE_MS);
  // a load that commits just before its deadline is still read back, within the reserve
  const readBack = executorLeaving(FLUSH_MS);
  try {
    const inFlight = async () =>
      (await inFlightStatements(redshift, config.statementName, retry)).map((s) => s.Id ?? 'unknown');
    const summary = await runSessionizer({ config, executor, readBack, s3, inFlight, newLoadToken: randomUUID, copyDeadline: deadlineLeaving(RESERVE_MS) });
    report(summary, metrics, logger, Date.now());
    return summary;
  } catch (error) {
    if (error instanceof CommittedLoadReadError) {
      logger.error('load committed, but its counts could not be read back; the next run finds its objects loaded', error);
    } else {
      logger.error('load failed; nothing was committed and the next run retries it', error as Error);
    }
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
