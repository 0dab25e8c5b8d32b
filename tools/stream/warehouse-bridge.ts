/**
 * The last step of the streaming pipeline: the local warehouse (`local/warehouse.ts`,
 * built by the warehouse side of the project) loads the bronze files, each file one
 * load, and answers the five questions. This adapter is the only place that knows
 * its API; it is imported at run time so the tools build without it.
 */
import type { Row, SqlExecutor } from '../../pipeline/executor';
import { formatAnswers } from './answers';
import type { BronzeFile, LoadBronze } from './index';

export interface WarehouseStep {
  readonly load: LoadBronze;
  /** Rows of every report view. */
  reportTables(): Promise<Record<string, Record<string, unknown>[]>>;
  /** The five answers as readable tables. */
  answers(): Promise<string>;
  /** Runs one query on the warehouse (tests compare facts with it). */
  query(sql: string): Promise<readonly Row[]>;
  close(): Promise<void>;
}

/** The slice of local/warehouse.ts this step uses. */
interface LocalWarehouseModule {
  openLocalWarehouse(options?: { progress?: (message: string) => void }): Promise<{
    readonly exec: SqlExecutor;
    loadFiles(files: readonly BronzeFile[]): Promise<unknown>;
    reportTables(): Promise<Record<string, Record<string, unknown>[]>>;
    close(): Promise<void>;
  }>;
}

export interface WarehouseStepProps {
  /** One line per load, e.g. to stderr. @default silent */
  readonly progress?: (message: string) => void;
}

export async function openWarehouse(props: WarehouseStepProps = {}): Promise<WarehouseStep> {
  const modulePath = '../../local/warehouse';
  let local: Partial<LocalWarehouseModule>;
  try {
    local = (await import(modulePath)) as Partial<LocalWarehouseModule>;
  } catch (error) {
    throw new Error(`the local warehouse (local/warehouse.ts) cannot be loaded: ${(error as Error).message}`);
  }
  if (typeof local.openLocalWarehouse !== 'function') {
    throw new Error('local/warehouse.ts does not export openLocalWarehouse(); adapt tools/stream/warehouse-bridge.ts');
  }
  const warehouse = await local.openLocalWarehouse(props.progress === undefined ? {} : { progress: props.progress });
  return {
    load: async (files) => {
      await warehouse.loadFiles(files);
    },
    reportTables: () => warehouse.reportTables(),
    answers: async () => formatAnswers(await warehouse.reportTables()),
    query: (sql) => warehouse.exec.query(sql),
    close: () => warehouse.close(),
  };
}
