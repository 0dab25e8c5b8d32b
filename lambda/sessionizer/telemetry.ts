import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { Metric } from './telemetry-names.js';
import type { RunSummary } from './run.js';

/** Seconds from the watermark to now; what the freshness alarm watches. */
export function freshnessLagSeconds(watermark: Date | string | null, now: number): number | undefined {
  if (watermark === null) return undefined;
  const at = typeof watermark === 'string' ? Date.parse(watermark) : watermark.getTime();
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((now - at) / 1000));
}

/** Metrics and one structured log line for a run. */
export function report(summary: RunSummary, metrics: Metrics, logger: Logger, now: number): void {
  // every run that ends publishes the lag: only a lag that keeps growing shows a load that
  // fails again and again while each run skips it or leaves it running
  const lag = freshnessLagSeconds(summary.status === 'loaded' ? summary.result.watermark : summary.watermark, now);
  if (lag !== undefined) metrics.addMetric(Metric.freshnessLag, MetricUnit.Seconds, lag);
  switch (summary.status) {
    case 'skipped-in-flight':
      metrics.addMetric(Metric.skippedInFlight, MetricUnit.Count, 1);
      logger.info('another load is in flight; skipping this run', { inFlight: summary.inFlight, freshnessLagSeconds: lag });
      return;
    case 'still-running':
      metrics.addMetric(Metric.stillRunning, MetricUnit.Count, 1);
      logger.warn('load still running at the end of this invocation; the next run will find it in flight', {
        loadToken: summary.loadToken,
        statementId: summary.statementId,
        objects: summary.objects,
        freshnessLagSeconds: lag,
      });
      return;
    case 'nothing-pending':
      metrics.addMetric(Metric.objectsLoaded, MetricUnit.Count, 0);
      logger.info('no new bronze objects; nothing submitted', { watermark: summary.watermark, freshnessLagSeconds: lag });
      return;
    case 'loaded': {
      const { result } = summary;
      // etl_batch's counts are the event lines'; reference feeds are reconciled per object
      const reference = result.objects.filter((o) => o.kind !== 'events');
      const referenceLinesRead = reference.reduce((n, o) => n + o.linesRead, 0);
      const referenceQuarantined = reference.reduce((n, o) => n + o.quarantined, 0);
      metrics.addMetric(Metric.objectsLoaded, MetricUnit.Count, result.objects.length);
      metrics.addMetric(Metric.linesRead, MetricUnit.Count, result.linesRead);
      metrics.addMetric(Metric.eventsLoaded, MetricUnit.Count, result.eventsLoaded);
      metrics.addMetric(Metric.duplicates, MetricUnit.Count, result.duplicates);
      metrics.addMetric(Metric.quarantined, MetricUnit.Count, result.quarantined);
      metrics.addMetric(Metric.referenceLinesRead, MetricUnit.Count, referenceLinesRead);
      metrics.addMetric(Metric.referenceQuarantined, MetricUnit.Count, referenceQuarantined);
      metrics.addMetric(Metric.morePending, MetricUnit.Count, summary.morePending ? 1 : 0);
      logger.info('load committed', {
        loadToken: summary.loadToken,
        batchId: result.batchId,
        objects: summary.objects,
        linesRead: result.linesRead,
        eventsLoaded: result.eventsLoaded,
        duplicates: result.duplicates,
        quarantined: result.quarantined,
        referenceLinesRead,
        referenceQuarantined,
        objectLines: result.objects,
        watermark: result.watermark,
        freshnessLagSeconds: lag,
        morePending: summary.morePending,
      });
    }
  }
}
