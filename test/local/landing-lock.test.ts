import { describe, expect, it } from 'vitest';
import { openLocalWarehouse } from '../../local/warehouse';
import { DEFAULT_SQL_DIR } from '../../pipeline/load';
import { LANDING_LOCK } from '../../pipeline/migrations';
import { readMigrations } from '../../pipeline/sql-files';

describe('migrations and loads take turns on the landing table', () => {
  it('locks it first in every migration once it exists, and never before (the lock of a missing table fails)', async () => {
    const traced: string[] = [];
    const w = await openLocalWarehouse({ trace: (statement) => traced.push(statement) });
    try {
      const migrations = readMigrations(DEFAULT_SQL_DIR);
      const creating = migrations.findIndex((m) => m.statements.some((s) => /create table if not exists streamflix\.stg_raw_line\b/.test(s)));
      expect(creating).toBeGreaterThan(0);
      expect(traced.filter((s) => s === LANDING_LOCK)).toHaveLength(migrations.length - 1 - creating);
      const firstLock = traced.indexOf(LANDING_LOCK);
      expect(firstLock).toBeGreaterThan(traced.findIndex((s) => s.startsWith('create table if not exists streamflix.stg_raw_line')));
    } finally {
      await w.close();
    }
  });
});
