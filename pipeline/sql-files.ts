/**
 * Reading the SQL of `sql/`: statement splitting, migrations and load steps.
 * Engine-neutral: the directory is always passed in (the Lambda bundles `sql/`
 * beside its code, the local run uses the repository's).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One SQL file, split into statements. */
export interface SqlFile {
  /** File name without directory, e.g. `03_validate_events.sql`. */
  readonly name: string;
  /** Absolute or caller-relative path of the file. */
  readonly file: string;
  /** sha256 hex of the file text. */
  readonly checksum: string;
  readonly statements: readonly string[];
}

/** A migration: a numbered `V001__name.sql` or a repeatable view `R__rpt_x`. */
export interface Migration extends SqlFile {
  /** `"001"` for versioned migrations, `"R__rpt_x"` for repeatable ones (views). */
  readonly version: string;
  /** True for repeatable migrations: re-applied whenever their checksum changes. */
  readonly repeatable: boolean;
}

/**
 * Splits SQL text into statements at top-level semicolons. Quotes ('...' with ''),
 * quoted identifiers, -- and block comments and dollar-quoted bodies are respected.
 * Statements holding only comments are dropped; the rest are returned trimmed,
 * without their terminating semicolon.
 */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  let hasCode = false;
  const n = text.length;
  const push = (end: number): void => {
    const stmt = text.slice(start, end).trim();
    if (hasCode && stmt !== '') out.push(stmt);
    hasCode = false;
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth += 1;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth -= 1;
          i += 2;
        } else i += 1;
      }
    } else if (c === "'" || c === '"') {
      hasCode = true;
      i += 1;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) i += 2;
          else {
            i += 1;
            break;
          }
        } else i += 1;
      }
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      hasCode = true;
      if (m) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
      } else i += 1;
    } else if (c === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i += 1;
    }
  }
  push(n);
  return out;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function readSqlFile(file: string, name: string): SqlFile {
  const text = readFileSync(file, 'utf8');
  return { name, file, checksum: sha256(text), statements: splitStatements(text) };
}

const listSql = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
    : [];

const VERSIONED = /^V(\d{3,})__([a-z0-9_]+)\.sql$/;
/** The version prefix of repeatable migrations: a view `rpt_x` is version `R__rpt_x`. */
export const REPEATABLE_PREFIX = 'R__';
/** The view a repeatable migration creates (`rpt_x` of `R__rpt_x`). */
const viewName = (m: Migration): string => m.version.slice(REPEATABLE_PREFIX.length);
const VIEW = /^(rpt_[a-z0-9_]+)\.sql$/;

/**
 * The migrations of `sqlDir` in apply order: the numbered `migrations/V###__name.sql`
 * by version, then the report views of `views/rpt_*.sql` as repeatable migrations
 * (version `R__<view>`), ordered so that a view comes after the views it reads.
 */
export function readMigrations(sqlDir: string): Migration[] {
  const versioned: Migration[] = [];
  for (const name of listSql(join(sqlDir, 'migrations'))) {
    const m = VERSIONED.exec(name);
    if (!m) {
      throw new Error(`sql/migrations/${name}: a migration must be named V###__snake_name.sql; rename it`);
    }
    versioned.push({ ...readSqlFile(join(sqlDir, 'migrations', name), name), version: m[1], repeatable: false });
  }
  // by number, not by name: V1000 comes after V999 (by name it sorts before V101), and
  // V024 and V0024 are the same version
  versioned.sort((a, b) => Number(a.version) - Number(b.version));
  const seen = new Map<number, string>();
  for (const v of versioned) {
    const other = seen.get(Number(v.version));
    if (other) throw new Error(`sql/migrations: version ${Number(v.version)} is used twice (${other}, ${v.name}); renumber one`);
    seen.set(Number(v.version), v.name);
  }
  const views: Migration[] = [];
  for (const name of listSql(join(sqlDir, 'views'))) {
    const m = VIEW.exec(name);
    if (!m) throw new Error(`sql/views/${name}: a report view file must be named rpt_snake_name.sql; rename it`);
    views.push({ ...readSqlFile(join(sqlDir, 'views', name), name), version: `${REPEATABLE_PREFIX}${m[1]}`, repeatable: true });
  }
  return [...versioned, ...orderViews(views)];
}

/** Whether a view's text reads another view (`streamflix.<name>`), its own drop aside. */
function reads(view: Migration, other: string): boolean {
  return other !== viewName(view) && new RegExp(`streamflix\\.${other}\\b`).test(view.statements.join('\n'));
}

/**
 * The views that read `view`, directly or through other views, in apply order: dropping it
 * (`drop view … cascade`) drops them too, so they must be created again after it.
 */
export function viewReaders(view: Migration, available: readonly Migration[]): Migration[] {
  const views = available.filter((m) => m.repeatable);
  const found = new Set<string>([view.version]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const v of views) {
      if (!found.has(v.version) && views.some((f) => found.has(f.version) && reads(v, viewName(f)))) {
        found.add(v.version);
        grew = true;
      }
    }
  }
  return views.filter((v) => v.version !== view.version && found.has(v.version));
}

/** Topological order of the views by the `streamflix.rpt_*` names their text reads. */
function orderViews(views: Migration[]): Migration[] {
  const byName = new Map(views.map((v) => [viewName(v), v]));
  const done = new Set<string>();
  const out: Migration[] = [];
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`sql/views: circular view dependency ${[...path, name].join(' -> ')}`);
    const view = byName.get(name);
    if (!view) return;
    for (const other of byName.keys()) {
      if (reads(view, other)) visit(other, [...path, name]);
    }
    done.add(name);
    out.push(view);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return out;
}

/** The load steps `load/NN_name.sql` in order. */
export function readLoadSteps(sqlDir: string): SqlFile[] {
  const names = listSql(join(sqlDir, 'load'));
  for (const name of names) {
    if (!/^\d{2}_[a-z0-9_]+\.sql$/.test(name)) throw new Error(`sql/load/${name}: a load step must be named NN_snake_name.sql; rename it`);
  }
  return names.map((name) => readSqlFile(join(sqlDir, 'load', name), name));
}
