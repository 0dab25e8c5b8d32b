/**
 * The deployed artifact, not the sources: the sessionizer bundled exactly as the
 * construct bundles it, run in a fresh Node process against a local stand-in for the
 * Data API (JSON protocol) and S3 (REST/XML), so that bundling mistakes (ESM, the
 * `require` banner, tree-shaken SDK parts) fail here rather than in Lambda.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { esbuildOptions, LAMBDA_ENTRIES } from '../../../lib/constructs/lambda-bundling.js';
import { numberedLineNo } from '../../../pipeline/numbered-copy.js';
import { sessionizerEnv } from '../sql-fixture.js';

interface Seen {
  targets: string[];
  batches: { Sqls: string[]; Parameters?: { name: string; value: string }[] }[];
  puts: Map<string, Buffer>;
}

const seen: Seen = { targets: [], batches: [], puts: new Map() };
let server: Server;
let bundle: string;

const body = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

/** The bronze objects the stand-in lists and serves. */
const OBJECTS: Record<string, Buffer> = {
  'catalog/c.ndjson': Buffer.from('{"content_id":"a"}\n{"content_id":"b"}\n'),
  'events/dt=2026-11-21/a.gz': gzipSync('{}\n'),
};

/** Just enough of the Data API for one load of one object. */
function dataApi(target: string, input: Record<string, unknown>, sqls: Map<string, string>): unknown {
  switch (target) {
    case 'ListStatements':
      return { Statements: [] };
    case 'ExecuteStatement': {
      const id = `q${sqls.size + 1}`;
      sqls.set(id, input.Sql as string);
      return { Id: id };
    }
    case 'BatchExecuteStatement':
      seen.batches.push(input as never);
      return { Id: 'b1' };
    case 'DescribeStatement': {
      const sql = sqls.get(input.Id as string) ?? '';
      return { Id: input.Id, Status: 'FINISHED', HasResultSet: sql.startsWith('select') };
    }
    case 'GetStatementResult': {
      const sql = sqls.get(input.Id as string) ?? '';
      if (sql.includes('where b.load_token')) {
        return {
          ColumnMetadata: ['batch_id', 'lines_read', 'events_loaded', 'duplicates', 'quarantined', 'watermark'].map((name) => ({ name })),
          Records: [[{ longValue: 1 }, { longValue: 3 }, { longValue: 2 }, { longValue: 1 }, { longValue: 0 }, { stringValue: '2026-11-21T11:00:00.000Z' }]],
        };
      }
      if (sql.includes('where batch_id')) {
        return {
          ColumnMetadata: ['object_key', 'kind', 'lines_read', 'quarantined'].map((name) => ({ name })),
          Records: [[{ stringValue: 'events/dt=2026-11-21/a.gz' }, { stringValue: 'events' }, { longValue: 3 }, { longValue: 0 }]],
        };
      }
      return { ColumnMetadata: [], Records: [] };
    }
    default:
      throw new Error(`unexpected Data API call ${target}`);
  }
}

const LISTING = (prefix: string): string => {
  const keys = Object.keys(OBJECTS).filter((k) => k.startsWith(prefix));
  const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>${OBJECTS[k]?.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bronze</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
};

beforeAll(async () => {
  const sqls = new Map<string, string>();
  server = createServer(async (req, res) => {
    const text = await body(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const op = target.split('.')[1] as string;
      seen.targets.push(op);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify(dataApi(op, JSON.parse(text.toString('utf8')) as Record<string, unknown>, sqls)));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      seen.targets.push(`ListObjectsV2 ${url.searchParams.get('prefix')}`);
      res.setHeader('content-type', 'application/xml');
      res.end(LISTING(url.searchParams.get('prefix') ?? ''));
      return;
    }
    const object = OBJECTS[decodeURIComponent(url.pathname.slice('/bronze/'.length))];
    if (req.method === 'GET' && object) {
      seen.targets.push(`GetObject ${url.pathname}`);
      res.setHeader('content-type', 'application/octet-stream');
      res.end(object);
      return;
    }
    if (req.method === 'PUT') {
      seen.puts.set(url.pathname, text);
      res.setHeader('etag', '"e"');
      res.end();
      return;
    }
    res.statusCode = 400;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bundle = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'index.mjs');
  await build(esbuildOptions(LAMBDA_ENTRIES.sessionizer, bundle));
});

afterAll(() => {
  server.close();
});

it('the bundled handler runs a whole load against the AWS protocols', async () => {
  const { port } = server.address() as AddressInfo;
  const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const r = await m.handler({}, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 60000 });
process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      ...sessionizerEnv(),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, stderr).toBe(0);
  const result = JSON.parse(stdout.split('\n').find((l) => l.startsWith('RESULT '))?.slice(7) ?? '{}') as { status?: string };
  expect(result.status).toBe('loaded');
  expect(seen.targets.slice(0, 3)).toEqual(['ListStatements', 'ListStatements', 'ListStatements']);
  expect(seen.targets).toContain('ListObjectsV2 events/');
  expect(seen.targets).toContain('GetObject /bronze/catalog/c.ndjson');
  const puts = [...seen.puts.keys()];
  const dir = /^\/bronze\/manifests\/[0-9a-f-]{36}\//.exec(puts[0] ?? '')?.[0];
  expect(puts.sort()).toEqual([`${dir}1.csv.gz`, `${dir}1.manifest`, `${dir}2.manifest`]);
  // the catalog through its numbered copy, the events object itself
  expect(gunzipSync(seen.puts.get(`${dir}1.csv.gz`) ?? gzipSync('')).toString('utf8')).toBe(
    `${numberedLineNo(1, 1)},"{""content_id"":""a""}"\n${numberedLineNo(1, 2)},"{""content_id"":""b""}"\n`,
  );
  const manifest = (n: number): unknown => JSON.parse(seen.puts.get(`${dir}${n}.manifest`)?.toString('utf8') ?? '{}');
  expect(manifest(1)).toEqual({ entries: [{ url: `s3:/${dir}1.csv.gz`, mandatory: true }] });
  expect(manifest(2)).toEqual({ entries: [{ url: 's3://bronze/events/dt=2026-11-21/a.gz', mandatory: true }] });
  expect(seen.batches).toHaveLength(1);
  const sqls = seen.batches[0]?.Sqls ?? [];
  expect(sqls.some((s) => s.startsWith(`copy streamflix.stg_raw_line (line_no, raw_line) from 's3:/${dir}1.manifest'`))).toBe(true);
  expect(sqls.some((s) => s.startsWith(`copy streamflix.stg_raw_line (raw_line) from 's3:/${dir}2.manifest'`))).toBe(true);
  expect(stdout).toContain('"message":"load committed"');
  expect(stdout).toContain('"Namespace":"StreamFlix/Warehouse"');
});
