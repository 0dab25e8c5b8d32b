import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../pipeline/sql-files';
import { rel, sqlFiles, text } from './sql-paths';

const PIPELINE_DIR = fileURLToPath(new URL('../../pipeline/', import.meta.url));
/** The load steps (sql/load) and the load plans (pipeline/), comments left out: SQL's and TypeScript's. */
const LOAD_TEXT = [
  ...sqlFiles()
    .filter((f) => f.includes('/load/'))
    .map((f) => text(f).replace(/--[^\n]*/g, '')),
  ...readdirSync(PIPELINE_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => text(`${PIPELINE_DIR}${f}`).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/[^\n]*/gm, '')),
].join('\n');

interface Table {
  readonly file: string;
  readonly name: string;
  readonly columns: { name: string; type: string; encode: string | null; notNull: boolean }[];
  readonly tail: string;
  readonly body: string;
}

const CONSTRAINT = /^(primary\s+key|foreign\s+key|unique|constraint|check)\b/i;

/** The column definitions of each CREATE TABLE of the migrations. */
function tables(): Table[] {
  const out: Table[] = [];
  for (const file of sqlFiles().filter((f) => f.includes('/migrations/'))) {
    for (const stmt of splitStatements(text(file))) {
      const clean = stmt.replace(/--[^\n]*/g, '');
      // a rebuilt table (V026) takes its old name back: the later definition is the table's
      const rename = /^\s*alter\s+table\s+([a-z0-9_.]+)\s+rename\s+to\s+([a-z0-9_]+)\s*$/i.exec(clean);
      if (rename) {
        const at = out.findLastIndex((t) => t.name === rename[1].replace(/^streamflix\./, ''));
        if (at < 0) throw new Error(`${rel(file)}: renames ${rename[1]}, which no earlier migration creates`);
        out[at] = { ...out[at], name: rename[2] };
        continue;
      }
      const head = /create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z0-9_.]+)\s*\(/i.exec(clean);
      if (!head) continue;
      const open = head.index + head[0].length;
      let close = open;
      for (let depth = 1; depth > 0; close += 1) {
        if (clean[close] === '(') depth += 1;
        if (clean[close] === ')') depth -= 1;
      }
      const name = head[1];
      const body = clean.slice(open, close - 1);
      const tail = clean.slice(close);
      const defs: string[] = [];
      let depth = 0;
      let cur = '';
      for (const ch of body) {
        if (ch === '(') depth += 1;
        if (ch === ')') depth -= 1;
        if (ch === ',' && depth === 0) {
          defs.push(cur.trim());
          cur = '';
        } else cur += ch;
      }
      defs.push(cur.trim());
      const columns = defs
        .filter((d) => d !== '' && !CONSTRAINT.test(d))
        .map((d) => {
          const parts = /^([a-z_][a-z0-9_]*)\s+([a-z]+(?:\s+precision)?(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?)/i.exec(d);
          if (!parts) throw new Error(`${rel(file)}: cannot read the column definition '${d}'`);
          const encode = /\bencode\s+([a-z0-9]+)/i.exec(d);
          return { name: parts[1], type: parts[2].trim().toLowerCase(), encode: encode ? encode[1].toLowerCase() : null, notNull: /\bnot\s+null\b/i.test(d) };
        });
      out.push({ file: rel(file), name: name.replace(/^streamflix\./, ''), columns, tail, body });
    }
  }
  return out;
}

const all = tables();
/** A table as the migrations leave it: a later migration may rebuild one (V020 rebuilds stg_line). */
const table = (name: string): Table => all.findLast((t) => t.name === name)!;
const sortKey = (t: Table): string[] =>
  (/sortkey\s*\(([^)]*)\)/i.exec(t.tail)?.[1] ?? '').split(',').map((c) => c.trim()).filter(Boolean);

describe('physical design of the DDL', () => {
  it('finds every table', () => {
    for (const name of ['dim_user', 'dim_content', 'bridge_content_genre', 'dim_device', 'dim_date', 'dim_time_of_day', 'fact_viewing_session', 'fact_content_rating', 'etl_quarantine', 'etl_batch', 'evt_event', 'stg_raw_line']) {
      expect(table(name), name).toBeDefined();
    }
  });

  it('reads a rebuilt table as its last definition (evt_user_snapshot, V026)', () => {
    expect(table('evt_user_snapshot').file).toMatch(/V026__/);
    expect(table('evt_user_snapshot').columns.map((c) => c.name)).toContain('object_no');
    expect(table('evt_user_snapshot').tail).toMatch(/distkey\s*\(\s*user_id\s*\)/i);
  });

  it.each(all.map((t) => [t.name, t]))('%s: every column has an explicit ENCODE of the right family', (_n, t) => {
    const leading = sortKey(t)[0];
    for (const c of t.columns) {
      expect(c.encode, `${t.file}: ${t.name}.${c.name} has no ENCODE`).not.toBeNull();
      let expected: string;
      if (c.name === leading) expected = 'raw';
      else if (/^(smallint|integer|bigint|decimal|numeric|date|timestamp)/.test(c.type)) expected = 'az64';
      else expected = 'zstd';
      expect(c.encode, `${t.name}.${c.name} (${c.type})`).toBe(expected);
    }
  });

  it.each(['fact_viewing_session', 'fact_content_rating'])('%s is distributed on the user key and sorted first on its date key', (name) => {
    const t = table(name);
    expect(t.tail).toMatch(/distkey\s*\(\s*user_key\s*\)/i);
    expect(t.tail).toMatch(/compound\s+sortkey/i);
    expect(sortKey(t)[0]).toMatch(/_date_key$/);
    expect(t.body).toMatch(/primary key/i);
    for (const fk of ['user_key', 'content_key', 'device_key']) expect(t.body).toMatch(new RegExp(`foreign key \\(${fk}\\) references streamflix\\.dim_`));
  });

  it.each(['dim_content', 'bridge_content_genre', 'dim_device', 'dim_date', 'dim_time_of_day'])('%s is copied to every node', (name) => {
    expect(table(name).tail).toMatch(/diststyle\s+all/i);
  });

  it('distributes dim_user on its key', () => {
    expect(table('dim_user').tail).toMatch(/distkey\s*\(\s*user_key\s*\)/i);
  });

  it('declares a primary key on every dimension', () => {
    for (const name of ['dim_user', 'dim_content', 'bridge_content_genre', 'dim_device', 'dim_date', 'dim_time_of_day']) expect(table(name).body, name).toMatch(/primary key/i);
  });
});

describe('staging tables', () => {
  const shape = (t: Table, names?: readonly string[]) =>
    t.columns.filter((c) => !names || names.includes(c.name)).map(({ name, type, notNull }) => ({ name, type, notNull }));

  // Each staging table is written by one step and copied into its target by another
  // (insert … select, MERGE): a column added to one side only would be dropped or
  // mistyped silently, so the DDL written twice is held equal here.
  it.each([
    ['stg_event', 'evt_event'],
    ['stg_session', 'fact_viewing_session'],
  ])('%s has exactly the columns of %s, in order, with the same types and nullability', (staging, target) => {
    expect(shape(table(staging))).toEqual(shape(table(target)));
  });

  // Staging tables are scratch space that exists only for the load: a column no load step
  // (sql/load) or load plan (pipeline/) names is dead weight every load carries.
  it.each([...new Set(all.map((t) => t.name).filter((n) => n.startsWith('stg_')))].map((n) => [n]))('%s: every column is named by the load', (name) => {
    const unused = table(name).columns.map((c) => c.name).filter((c) => !new RegExp(`\\b${c}\\b`).test(LOAD_TEXT));
    expect(unused, `${name}: columns no load step uses; drop them in a new migration`).toEqual([]);
  });

  it('stg_user_version has the columns of dim_user it rebuilds, with the same types and nullability', () => {
    const staged = table('stg_user_version').columns.map((c) => c.name);
    expect(shape(table('stg_user_version'))).toEqual(shape(table('dim_user'), staged));
  });
});
