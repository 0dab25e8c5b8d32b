import { afterEach, describe, expect, it } from 'vitest';
import { openLocalWarehouse, type LocalWarehouse } from '../../local/warehouse';
import { freshWarehouse, load, rows, userSnap } from './helpers';

let w: LocalWarehouse | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const snapshots = (x: LocalWarehouse) =>
  rows(x, "select user_id, plan, to_char(updated_at, 'YYYY-MM-DD') as updated_at, batch_id, line_no, object_no from streamflix.evt_user_snapshot order by user_id, updated_at");

describe('V026, the rebuild of evt_user_snapshot', () => {
  it('gives object_no a default, so a load step written before V026 still inserts while a deployment replaces the function', async () => {
    w = await freshWarehouse();
    await w.db.query(
      `insert into streamflix.evt_user_snapshot (user_id, updated_at, country, plan, subscription_status, attr_sig, batch_id, line_no)
       values ('u-1', timestamp '2026-01-01 00:00:00', 'DE', 'basic', 'active', 'x', 1, 1)`,
    );
    expect(await rows(w, 'select object_no from streamflix.evt_user_snapshot')).toEqual([{ object_no: 0 }]);
  });

  it('keeps every stored snapshot, and can run again', async () => {
    const first = await freshWarehouse();
    await load(first, 'users', [userSnap('u-1', '2026-01-01T00:00:00Z', 'basic'), userSnap('u-2', '2026-01-02T00:00:00Z', 'standard')]);
    await load(first, 'users', [userSnap('u-1', '2026-02-01T00:00:00Z', 'premium')]);
    const before = await snapshots(first);
    expect(before).toHaveLength(3);
    expect(before.every((r) => r.object_no === 1)).toBe(true);
    // forget that V026 ran, as a restored record or a hand-run would: it runs again on open
    await first.db.query("delete from streamflix.schema_migrations where version = '026'");
    const image = await first.dump();
    await first.close();

    w = await openLocalWarehouse({ loadDataDir: image });
    expect(await rows(w, "select count(*)::int as n from streamflix.schema_migrations where version = '026'")).toEqual([{ n: 1 }]);
    expect(await snapshots(w)).toEqual(before.map((r) => ({ ...r, object_no: 0 })));
    // the versions rebuilt from the copied snapshots are the same, and loads go on
    await load(w, 'users', [userSnap('u-1', '2026-03-01T00:00:00Z', 'basic')]);
    expect(await rows(w, 'select plan, version_number from streamflix.dim_user where user_id = $$u-1$$ order by version_number')).toEqual([
      { plan: 'basic', version_number: 1 },
      { plan: 'premium', version_number: 2 },
      { plan: 'basic', version_number: 3 },
    ]);
  });
});
