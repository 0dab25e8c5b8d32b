/**
 * Groups records into PutRecords requests within the service limits: at most 500
 * records and 5 MiB per request, at most 1 MiB per record (data plus partition key).
 */
export const MAX_RECORDS_PER_REQUEST = 500;
export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface OutRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** Where the record came from, for reports. */
  readonly source: string;
}

export function recordBytes(record: OutRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

export class RecordBatcher {
  private records: OutRecord[] = [];
  private bytes = 0;

  constructor(private readonly maxRecords = MAX_RECORDS_PER_REQUEST, private readonly maxBytes = MAX_REQUEST_BYTES) {}

  get size(): number {
    return this.records.length;
  }

  /**
   * Adds a record (the caller has rejected oversize ones). Returns the batch that
   * had to be closed first to make room, if any.
   */
  add(record: OutRecord): OutRecord[] | undefined {
    const bytes = recordBytes(record);
    let closed: OutRecord[] | undefined;
    if (this.records.length >= this.maxRecords || this.bytes + bytes > this.maxBytes) closed = this.take();
    this.records.push(record);
    this.bytes += bytes;
    return closed;
  }

  /** The open batch, which is then empty. */
  take(): OutRecord[] {
    const out = this.records;
    this.records = [];
    this.bytes = 0;
    return out;
  }
}
