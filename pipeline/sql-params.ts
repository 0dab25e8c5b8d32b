/**
 * Where a statement references `:name` bind parameters. One scanner for both executors:
 * the Data API executor sends the names it finds, the PGlite executor rewrites them to
 * `$n`, so the two engines can never disagree about what is a parameter.
 */

/** One `:name` reference: the name and the span of `:name` in the text. */
export interface ParamReference {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const NAME = /^:([A-Za-z_][A-Za-z0-9_]*)/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * Every `:name` outside string literals, quoted identifiers, comments and dollar-quoted
 * bodies, in text order. `::type` casts and a colon right after a word character
 * (`a:b`) are not references.
 */
export function paramReferences(sql: string): ParamReference[] {
  const refs: ParamReference[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    let end = i + 1;
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      end = eol === -1 ? n : eol;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close === -1 ? n : close + 2;
    } else if (c === "'" || c === '"') {
      while (end < n) {
        if (sql[end] !== c) end += 1;
        else if (sql[end + 1] === c) end += 2;
        else {
          end += 1;
          break;
        }
      }
    } else if (c === '$') {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? n : close + tag[0].length;
      }
    } else if (c === ':' && next === ':') {
      end = i + 2;
    } else if (c === ':' && !/\w/.test(sql[i - 1] ?? '')) {
      const m = NAME.exec(sql.slice(i, i + 130));
      if (m) {
        end = i + m[0].length;
        refs.push({ name: m[1] as string, start: i, end });
      }
    }
    i = end;
  }
  return refs;
}
