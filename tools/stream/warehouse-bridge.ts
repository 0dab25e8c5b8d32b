/**
 * The last step of the streaming pipeline: the local warehouse (`local/`) loads the
 * bronze files (the reference feeds with the first events file, then one load per file)
 * and answers the five questions, exactly as `npm run local` does. This adapter is the only place that knows its API.
 */
import type { Row } from '../../pipeline/executor';
import { renderReports } from '../../local/report-text';
import { openLocalWarehouse } from '../../local/warehouse';
import type { LoadBronze } from './index';

export interface WarehouseStep {
  readonly load: LoadBronze;
  /** Rows of every report view. */
  reportTables(): Promise<Record<string, Record<string, unknown>[]>>;
  /** The five answers as readable tables (the local run's rendering). */
  answers(): Promise<string>;
  /** Runs one query on the warehouse (tests compare facts with it). */
  query(sql: string): Promise<readonly Row[]>;
  close(): Promise<void>;
}

export interface WarehouseStepProps {
  /** One line per load, e.g. to stderr. @default silent */
  readonly progress?: (message: string) => void;
}

export async function openWarehouse(props: WarehouseStepProps = {}): Promise<WarehouseStep> {
  const warehouse = await openLocalWarehouse(props.progress === undefined ? {} : { progress: props.progress });
  return {
    load: async (files) => {
      await warehouse.loadFiles(files);
    },
    reportTables: () => warehouse.reportTables(),
    answers: async () => renderReports(await warehouse.reportTables()),
    query: (sql) => warehouse.exec.query(sql),
    close: () => warehouse.close(),
  };
}
