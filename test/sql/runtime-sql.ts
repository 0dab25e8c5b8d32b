import { planLoad, type BronzeObject } from '../../pipeline/load';
import { LANDING_LOCK, LANDING_TABLE_QUERY } from '../../pipeline/migrations';

/**
 * The SQL a load builds in TypeScript rather than reads from `sql/`: the landing of an events
 * object and of a numbered copy (COPY, the lines it rejected, the stamp), the emptying of the
 * landing table and the record of loaded objects.
 */
export function runtimeStatements(): string[] {
  const objects: BronzeObject[] = [
    { kind: 'events', key: 'events/dt=2026-11-02/a.gz', manifestUri: 's3://bronze-bucket/manifests/t/1.manifest' },
    { kind: 'catalog', key: 'catalog/c.ndjson', manifestUri: 's3://bronze-bucket/manifests/t/2.manifest', numbered: true },
  ];
  const plan = planLoad(objects, {
    copyCredentials: "iam_role 'arn:aws:iam::123456789012:role/streamflix-copy'",
    loadToken: '0b0f4c8e-4a43-4f0e-9d8a-3c1f6d7e8a90',
  });
  const landing = 1 + objects.length * 3;
  return [...plan.statements.slice(0, landing), plan.statements.at(-1) as string, LANDING_LOCK, LANDING_TABLE_QUERY];
}
