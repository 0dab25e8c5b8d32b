/**
 * The last step of the streaming pipeline: the local warehouse (`local/`, built
 * by the warehouse side of the project) loads the bronze files and answers the
 * five questions. This adapter is the only place that knows its API.
 */
import type { LoadBronze } from './index';

export interface WarehouseStep {
  readonly load: LoadBronze;
  /** The five answers as readable tables. */
  answers(): Promise<string>;
  close(): Promise<void>;
}

export async function openWarehouse(): Promise<WarehouseStep> {
  // TODO(wiring): local/warehouse.ts did not exist when this was written.
  const modulePath = '../../local/warehouse';
  let local: Record<string, unknown>;
  try {
    local = (await import(modulePath)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`local:stream: the local warehouse (local/warehouse.ts) cannot be loaded: ${(error as Error).message}`);
  }
  throw new Error(`local:stream: local/warehouse.ts exports ${Object.keys(local).join(', ')}; wire them in tools/stream/warehouse-bridge.ts`);
}
