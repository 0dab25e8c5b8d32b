/**
 * Names shared by the handler that publishes the metrics and the construct that
 * alarms on them; a typo on either side would leave an alarm silently without data.
 */
export const METRICS_NAMESPACE = 'StreamFlix/Warehouse';

/** Powertools adds the `service` dimension to every metric it publishes. */
export const SERVICE_DIMENSION = 'service';

export const Metric = {
  linesRead: 'LinesRead',
  eventsLoaded: 'EventsLoaded',
  duplicates: 'Duplicates',
  quarantined: 'Quarantined',
  /** Reference-feed lines (catalog, users): etl_batch's four counts cover event lines only. */
  referenceLinesRead: 'ReferenceLinesRead',
  referenceQuarantined: 'ReferenceLinesQuarantined',
  objectsLoaded: 'ObjectsLoaded',
  freshnessLag: 'FreshnessLagSeconds',
  skippedInFlight: 'SkippedInFlight',
  morePending: 'MoreObjectsPending',
  stillRunning: 'LoadStillRunning',
} as const;
