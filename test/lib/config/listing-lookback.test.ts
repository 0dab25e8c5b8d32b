import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { environments } from '../../../lib/config';
import { listingLookback } from '../../../lib/config/listing-lookback';

const config = (retention: Duration, bufferInterval: Duration, schedule: Duration) => ({
  stream: { ...environments.dev.stream, retention },
  delivery: { ...environments.dev.delivery, bufferInterval },
  sessionizer: { ...environments.dev.sessionizer, schedule },
});
const days = (d: Duration): number => d.toDays();

describe('listingLookback', () => {
  it('covers the stream retention, the buffer and one schedule, plus a day for the partition boundary', () => {
    // 24 h + 5 min + 5 min: an object named 23:59 on day D can land early on day D+2
    expect(days(listingLookback(config(Duration.hours(24), Duration.minutes(5), Duration.minutes(5))))).toBe(2);
    expect(days(listingLookback(config(Duration.days(7), Duration.minutes(5), Duration.minutes(5))))).toBe(8);
  });

  it('reaches a day further once retention, buffer and schedule pass a whole day', () => {
    expect(days(listingLookback(config(Duration.hours(47), Duration.minutes(15), Duration.minutes(44))))).toBe(2);
    expect(days(listingLookback(config(Duration.hours(47), Duration.minutes(15), Duration.minutes(45))))).toBe(3);
  });

  it('gives every environment at least the two days its 24-hour-or-longer stream needs', () => {
    for (const env of Object.values(environments)) expect(days(listingLookback(env))).toBeGreaterThanOrEqual(2);
  });
});
