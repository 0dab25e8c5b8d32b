import { describe, expect, it } from 'vitest';
import { listingStartAfter } from '../../../lambda/sessionizer/bronze-listing.js';

describe('listingStartAfter', () => {
  it('starts at the dt= partition the look-back before the newest loaded key', () => {
    expect(listingStartAfter('events/', 'events/dt=2026-11-21/f-1.gz', 1)).toBe('events/dt=2026-11-20');
  });

  it('crosses month and year boundaries', () => {
    expect(listingStartAfter('events/', 'events/dt=2026-01-01/f.gz', 2)).toBe('events/dt=2025-12-30');
  });

  it('understands the Firehose default YYYY/MM/DD prefix', () => {
    expect(listingStartAfter('events/', 'events/2026/03/01/07/f.gz', 1)).toBe('events/2026/02/28');
  });

  it('starts at the newest partition itself with no look-back', () => {
    expect(listingStartAfter('users/', 'users/dt=2026-11-21/u.ndjson', 0)).toBe('users/dt=2026-11-21');
  });

  it('lists the whole prefix before the first load', () => {
    expect(listingStartAfter('catalog/', undefined, 1)).toBeUndefined();
  });

  it('lists the whole prefix when keys carry no date', () => {
    expect(listingStartAfter('catalog/', 'catalog/catalog-v7.ndjson', 1)).toBeUndefined();
  });

  it('sorts before every key of the start partition', () => {
    const start = listingStartAfter('events/', 'events/dt=2026-11-21/z.gz', 1) as string;
    expect('events/dt=2026-11-20/a.gz' > start).toBe(true);
    expect('events/dt=2026-11-19/z.gz' > start).toBe(false);
  });
});
