import { Duration } from 'aws-cdk-lib';
import type { EnvironmentConfig } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How many date partitions before the newest loaded key the sessionizer lists `events/`
 * from, so that no late object is left behind. Firehose names an object after the arrival
 * of its oldest record (`dt=!{timestamp:yyyy-MM-dd}`), buffers for up to the buffer
 * interval, and while S3 refuses a delivery it retries for as long as the stream still
 * holds the records: an object can land that much later than its name says, after
 * objects of later partitions were loaded (another shard kept delivering). A run may list
 * one schedule later still, and a partition boundary adds a day. A shorter look-back
 * would never list such an object again: it would be lost without an error.
 */
export function listingLookback(config: Pick<EnvironmentConfig, 'stream' | 'delivery' | 'sessionizer'>): Duration {
  const lateMs =
    config.stream.retention.toMilliseconds() +
    config.delivery.bufferInterval.toMilliseconds() +
    config.sessionizer.schedule.toMilliseconds();
  return Duration.days(Math.floor(lateMs / DAY_MS) + 1);
}
