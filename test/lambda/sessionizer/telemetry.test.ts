import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { freshnessLagSeconds, report } from '../../../lambda/sessionizer/telemetry.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function recorders() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const logger = new Logger({ serviceName: 'test' });
  const added: Record<string, number> = {};
  vi.spyOn(metrics, 'addMetric').mockImplementation((name: string, _unit, value: number) => {
    added[name] = value;
    return metrics;
  });
  const logged: { level: string; message: string; extra: unknown }[] = [];
  for (const level of ['info', 'warn'] as const) {
    vi.spyOn(logger, level).mockImplementation(((message: string, extra: unknown) => {
      logged.push({ level, message, extra });
    }) as never);
  }
  return { metrics, logger, added, logged };
}

describe('freshnessLagSeconds', () => {
  it('is now minus the watermark, in seconds', () => {
    expect(freshnessLagSeconds('2026-11-21T11:00:00.000Z', NOW)).toBe(3600);
    expect(freshnessLagSeconds(new Date('2026-11-21T11:59:30Z'), NOW)).toBe(30);
  });

  it('is unknown before the first event', () => {
    expect(freshnessLagSeconds(null, NOW)).toBeUndefined();
  });
});

describe('report', () => {
  it('publishes the counts of a committed load and the freshness lag', () => {
    const { metrics, logger, added, logged } = recorders();
    report(
      {
        status: 'loaded',
        loadToken: 't',
        objects: ['catalog/c.ndjson', 'events/a.gz', 'events/b.gz'],
        morePending: true,
        result: {
          batchId: 3,
          objects: [
            { key: 'catalog/c.ndjson', kind: 'catalog', linesRead: 4, quarantined: 1 },
            { key: 'events/a.gz', kind: 'events', linesRead: 6, quarantined: 1 },
            { key: 'events/b.gz', kind: 'events', linesRead: 4, quarantined: 0 },
          ],
          linesRead: 10,
          eventsLoaded: 6,
          duplicates: 3,
          quarantined: 1,
          watermark: '2026-11-21T11:30:00.000Z',
        },
      },
      metrics,
      logger,
      NOW,
    );
    expect(added).toEqual({
      ObjectsLoaded: 3,
      LinesRead: 10,
      EventsLoaded: 6,
      Duplicates: 3,
      Quarantined: 1,
      ReferenceLinesRead: 4,
      ReferenceLinesQuarantined: 1,
      MoreObjectsPending: 1,
      FreshnessLagSeconds: 1800,
    });
    expect(logged[0]).toMatchObject({ level: 'info', message: 'load committed', extra: { batchId: 3, quarantined: 1, referenceQuarantined: 1 } });
  });

  it('still publishes the lag when nothing was pending', () => {
    const { metrics, logger, added } = recorders();
    report({ status: 'nothing-pending', watermark: new Date('2026-11-21T10:00:00Z') }, metrics, logger, NOW);
    expect(added).toEqual({ FreshnessLagSeconds: 7200, ObjectsLoaded: 0 });
  });

  it('says when it skipped because another load is in flight, and still publishes the lag', () => {
    // a load left running that fails is resubmitted and left running again, run after run:
    // only the lag of the skipped runs in between shows that nothing commits
    const { metrics, logger, added, logged } = recorders();
    report({ status: 'skipped-in-flight', inFlight: ['s1'], watermark: new Date('2026-11-21T10:00:00Z') }, metrics, logger, NOW);
    expect(added).toEqual({ SkippedInFlight: 1, FreshnessLagSeconds: 7200 });
    expect(logged[0]?.message).toMatch(/another load is in flight/);
  });

  it('warns when the load outlived the invocation, with the lag as it stood before the load', () => {
    const { metrics, logger, added, logged } = recorders();
    const watermark = new Date('2026-11-21T10:00:00Z');
    report({ status: 'still-running', loadToken: 't', objects: ['k'], statementId: 'b1', watermark }, metrics, logger, NOW);
    expect(added).toEqual({ LoadStillRunning: 1, FreshnessLagSeconds: 7200 });
    expect(logged[0]?.level).toBe('warn');
  });
});
