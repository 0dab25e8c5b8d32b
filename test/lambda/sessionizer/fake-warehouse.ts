import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  type Field,
  type RedshiftDataClient,
  type StatusString,
  type SubStatementData,
} from '@aws-sdk/client-redshift-data';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { serviceError } from '../fakes.js';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Params = Record<string, string>;
const paramsOf = (list?: { name: string; value: string }[]): Params =>
  Object.fromEntries((list ?? []).map((p) => [p.name, p.value]));

function field(value: unknown): Field {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'number') return { longValue: value };
  return { stringValue: String(value) };
}

/**
 * Stands in for Redshift behind the Data API: it keeps the durable record of loaded
 * keys and the watermark, and a batch that FINISHES commits them (one that FAILS or
 * is ABORTED commits nothing), as the real transaction would.
 */
export class FakeWarehouse {
  /** etl_loaded_object: key → kind. */
  readonly loaded = new Map<string, string>();
  watermark: string | null = null;
  /** Loaded keys a range read leaves out, as a collation that orders them elsewhere would. */
  readonly outOfRange = new Set<string>();
  /** Status the next batches end in. */
  batchOutcome: { status: StatusString; error?: string; subStatements?: SubStatementData[] } = { status: 'FINISHED' };
  /** Statements already running under some name (ListStatements). */
  readonly running: { Id: string; StatementName: string; Status: StatusString }[] = [];
  /** How many batch submissions to refuse with ThrottlingException first. */
  throttleBatches = 0;
  readonly statements = new Map<string, { sql: string; params: Params }>();
  private batchId = 0;
  private readonly batches = new Map<string, { status: StatusString; error?: string; subStatements?: SubStatementData[] }>();
  /** etl_batch rows by load token. */
  private readonly etlBatches = new Map<string, { batchId: number; keys: string[] }>();

  constructor(redshift: AwsClientStub<RedshiftDataClient>) {
    redshift.on(ListStatementsCommand).callsFake((input: { StatementName: string; Status: string }) => ({
      Statements: this.running.filter((s) => s.StatementName.startsWith(input.StatementName) && s.Status === input.Status),
    }));
    redshift.on(ExecuteStatementCommand).callsFake((input: { Sql: string; Parameters?: { name: string; value: string }[] }) => {
      const id = `q${this.statements.size + 1}`;
      this.statements.set(id, { sql: input.Sql, params: paramsOf(input.Parameters) });
      return { Id: id };
    });
    redshift.on(BatchExecuteStatementCommand).callsFake((input: { Sqls: string[]; Parameters?: { name: string; value: string }[] }) => {
      if (this.throttleBatches > 0) {
        this.throttleBatches -= 1;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      }
      const id = `b${this.batches.size + 1}`;
      this.batches.set(id, this.batchOutcome);
      if (this.batchOutcome.status === 'FINISHED') this.commit(input.Sqls, paramsOf(input.Parameters));
      return { Id: id };
    });
    redshift.on(DescribeStatementCommand).callsFake((input: { Id: string }) => {
      const batch = this.batches.get(input.Id);
      if (batch) return { Id: input.Id, Status: batch.status, Error: batch.error, SubStatements: batch.subStatements };
      return { Id: input.Id, Status: 'FINISHED', HasResultSet: this.statements.get(input.Id)?.sql.startsWith('select') };
    });
    redshift.on(GetStatementResultCommand).callsFake((input: { Id: string }) => {
      const { sql, params } = this.statements.get(input.Id) as { sql: string; params: Params };
      const rows = this.answer(sql, params);
      const names = Object.keys(rows[0] ?? {});
      return {
        ColumnMetadata: names.map((name) => ({ name, typeName: 'varchar' })),
        Records: rows.map((r) => names.map((n) => field(r[n]))),
      };
    });
  }

  /**
   * What the committed transaction leaves, each only when the batch holds the statement that
   * writes it: an etl_batch row, the loaded keys (the etl_loaded_object insert), the watermark.
   */
  private commit(sqls: string[], params: Params): void {
    if (!sqls.some((s) => /insert into streamflix\.etl_batch\b/.test(s))) return;
    this.batchId += 1;
    const keys: string[] = [];
    if (sqls.some((s) => s.startsWith('insert into streamflix.etl_loaded_object'))) {
      for (let n = 1; params[`source_${n}`] !== undefined; n += 1) {
        const key = params[`source_${n}`] as string;
        if (!this.loaded.has(key)) keys.push(key);
        this.loaded.set(key, params[`kind_${n}`] as string);
      }
    }
    this.etlBatches.set(params.load_token as string, { batchId: this.batchId, keys });
    if (sqls.some((s) => /\bwatermark_ts\s*=/.test(s))) this.watermark = '2026-11-21T11:00:00.000Z';
  }

  private answer(sql: string, params: Params): Record<string, unknown>[] {
    if (sql.includes('max(object_key)')) {
      const newest = new Map<string, string>();
      for (const [key, kind] of this.loaded) if (key > (newest.get(kind) ?? '')) newest.set(kind, key);
      return [...newest].map(([kind, newest_key]) => ({ kind, newest_key }));
    }
    if (sql.includes('where object_key >= :first_key and object_key <= :last_key')) {
      const { first_key: first, last_key: last } = params as Record<string, string>;
      return [...this.loaded.keys()]
        .filter((key) => key >= first && key <= last && !this.outOfRange.has(key))
        .map((object_key) => ({ object_key }));
    }
    if (sql.includes('where object_key in')) {
      return Object.values(params)
        .filter((key) => this.loaded.has(key))
        .map((object_key) => ({ object_key }));
    }
    if (sql.includes('max(watermark_ts)')) return [{ watermark: this.watermark }];
    if (sql.includes('where b.load_token')) {
      const batch = this.etlBatches.get(params.load_token as string);
      return batch
        ? [{ batch_id: batch.batchId, lines_read: 10, events_loaded: 7, duplicates: 2, quarantined: 1, watermark: this.watermark }]
        : [];
    }
    if (sql.includes('where batch_id')) {
      const batch = [...this.etlBatches.values()].find((b) => String(b.batchId) === params.batch_id);
      return (batch?.keys ?? []).sort().map((object_key) => ({ object_key, kind: this.loaded.get(object_key), lines_read: 5, quarantined: 0 }));
    }
    throw new Error(`FakeWarehouse does not know this query: ${sql}`);
  }
}

/** A bronze bucket: keys with sizes, listed in key order, 1,000 per page (or `pageSize`). */
export class FakeBronze {
  readonly objects = new Map<string, number>();
  readonly manifests = new Map<string, string>();
  /** The bytes GetObject returns for a key (default: one line, `{}`). */
  readonly bodies = new Map<string, Buffer>();
  /** Numbered copies written (in one PutObject or in parts), gunzipped. */
  readonly copies = new Map<string, string>();
  /** Multipart uploads by id: their key and parts so far. */
  readonly uploads = new Map<string, { key: string; parts: Buffer[] }>();
  pageSize = 1000;
  /** Keys to list twice (S3 listings may repeat a key across pages). */
  readonly repeated = new Set<string>();

  constructor(s3: AwsClientStub<S3Client>) {
    s3.on(ListObjectsV2Command).callsFake(
      (input: { Prefix: string; StartAfter?: string; ContinuationToken?: string }) => {
        const from = input.ContinuationToken ?? input.StartAfter ?? '';
        const keys = [...this.objects.keys()].filter((k) => k.startsWith(input.Prefix) && k > from).sort();
        const page = keys.slice(0, this.pageSize);
        const truncated = keys.length > page.length;
        const contents = page.flatMap((Key) => {
          const entry = { Key, Size: this.objects.get(Key) };
          return this.repeated.has(Key) ? [entry, entry] : [entry];
        });
        return {
          Contents: contents,
          IsTruncated: truncated,
          NextContinuationToken: truncated ? page[page.length - 1] : undefined,
        };
      },
    );
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      if (!this.objects.has(input.Key)) throw serviceError('NoSuchKey', 'The specified key does not exist.', 404);
      return { Body: Readable.from([this.bodies.get(input.Key) ?? Buffer.from('{}\n')]) };
    });
    s3.on(CreateMultipartUploadCommand).callsFake((input: { Key: string }) => {
      const id = `upload-${this.uploads.size + 1}`;
      this.uploads.set(id, { key: input.Key, parts: [] });
      return { UploadId: id };
    });
    s3.on(UploadPartCommand).callsFake((input: { UploadId: string; PartNumber: number; Body: Buffer }) => {
      (this.uploads.get(input.UploadId) as { parts: Buffer[] }).parts[input.PartNumber - 1] = input.Body;
      return { ETag: `"part-${input.PartNumber}"` };
    });
    s3.on(CompleteMultipartUploadCommand).callsFake((input: { UploadId: string; MultipartUpload: { Parts: { PartNumber: number }[] } }) => {
      const upload = this.uploads.get(input.UploadId) as { key: string; parts: Buffer[] };
      const body = Buffer.concat(input.MultipartUpload.Parts.map((p) => upload.parts[p.PartNumber - 1] as Buffer));
      this.copies.set(upload.key, gunzipSync(body).toString('utf8'));
      return {};
    });
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string | Buffer }) => {
      if (typeof input.Body === 'string') this.manifests.set(input.Key, input.Body);
      else this.copies.set(input.Key, gunzipSync(input.Body).toString('utf8'));
      return {};
    });
  }
}
