import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
  type StatusString,
  type SubStatementData,
} from '@aws-sdk/client-redshift-data';
import type { AwsClientStub } from 'aws-sdk-client-mock';

interface Batch {
  id: string;
  name: string;
  sqls: string[];
  params: Record<string, string>;
  status: StatusString;
  subStatements?: SubStatementData[];
}

/**
 * A tiny stand-in for the Data API over one schema_migrations table: a batch that
 * finishes records its migration, as the real transaction would.
 */
export class FakeRedshift {
  readonly applied = new Map<string, string>();
  readonly batches: Batch[] = [];
  readonly queries: string[] = [];
  /** Status given to the next submitted batch, and its sub-statements for a failure. */
  nextBatch: { status: StatusString; subStatements?: SubStatementData[] } = { status: 'FINISHED' };
  /** Whether streamflix.stg_raw_line exists (information_schema answers accordingly). */
  landingTable = false;

  /** What a finished batch's bookkeeping statements do to schema_migrations, in their order. */
  private record(sqls: readonly string[], params: Record<string, unknown>): void {
    for (const sql of sqls) {
      if (sql.startsWith('insert into streamflix.schema_migrations')) this.applied.set(params.version as string, params.checksum as string);
      else if (sql.includes("schema_migrations where left(version, 3) = 'R__'")) {
        for (const version of [...this.applied.keys()]) if (version.startsWith('R__')) this.applied.delete(version);
      } else if (/schema_migrations where version in \(/.test(sql)) {
        for (const name of sql.matchAll(/:([a-z_0-9]+)/g)) this.applied.delete(params[name[1]] as string);
      }
    }
  }

  /** schema_migrations as the fake holds it. */
  private migrationsResult() {
    return {
      ColumnMetadata: [
        { name: 'version', typeName: 'varchar' },
        { name: 'checksum', typeName: 'bpchar' },
      ],
      Records: [...this.applied].map(([version, checksum]) => [{ stringValue: version }, { stringValue: checksum }]),
    };
  }

  constructor(mock: AwsClientStub<RedshiftDataClient>) {
    mock.on(ExecuteStatementCommand).callsFake((input: { Sql: string }) => {
      this.queries.push(input.Sql);
      return { Id: `q${this.queries.length}` };
    });
    mock.on(DescribeStatementCommand).callsFake((input: { Id: string }) => {
      const batch = this.batches.find((b) => b.id === input.Id);
      if (batch) return { Id: batch.id, Status: batch.status, SubStatements: batch.subStatements };
      const sql = this.queries[Number(input.Id.slice(1)) - 1] ?? '';
      return { Id: input.Id, Status: 'FINISHED', HasResultSet: sql.startsWith('select') };
    });
    mock.on(GetStatementResultCommand).callsFake((input: { Id: string }) => {
      const sql = this.queries[Number(input.Id.slice(1)) - 1] ?? '';
      if (sql.includes('information_schema.tables')) {
        return { ColumnMetadata: [{ name: 'n', typeName: 'int8' }], Records: [[{ longValue: this.landingTable ? 1 : 0 }]] };
      }
      return this.migrationsResult();
    });
    mock.on(BatchExecuteStatementCommand).callsFake(
      (input: { StatementName: string; Sqls: string[]; Parameters?: { name: string; value: string }[] }) => {
        const params = Object.fromEntries((input.Parameters ?? []).map((p) => [p.name, p.value]));
        const batch: Batch = {
          id: `b${this.batches.length + 1}`,
          name: input.StatementName,
          sqls: input.Sqls,
          params,
          status: this.nextBatch.status,
          subStatements: this.nextBatch.subStatements,
        };
        this.batches.push(batch);
        if (batch.status === 'FINISHED') this.record(input.Sqls, params);
        return { Id: batch.id };
      },
    );
    // as the Data API: a name prefix, and one status or ALL
    mock.on(ListStatementsCommand).callsFake((input: { StatementName: string; Status?: string }) => ({
      Statements: this.batches
        .filter((b) => b.name.startsWith(input.StatementName) && (input.Status === undefined || input.Status === 'ALL' || input.Status === b.status))
        .map((b) => ({ Id: b.id, StatementName: b.name, Status: b.status })),
    }));
  }
}
