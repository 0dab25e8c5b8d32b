/**
 * The thin Redshift -> PGlite compatibility layer. Pure text transformations of the
 * physical clauses PostgreSQL lacks, plus the shim functions for the few Redshift
 * functions the SQL uses. It never changes what a statement computes.
 */

/** Redshift functions the SQL uses, defined for PostgreSQL; run once per database. */
export function shimStatements(): string[] {
  return [
    // getdate(): the current UTC time as a timestamp without zone, as on Redshift.
    `create or replace function public.getdate() returns timestamp language sql volatile as $$ select (now() at time zone 'UTC')::timestamp $$`,
    // SUPER is stored as jsonb; parsing is validated without an exception block. PostgreSQL's
    // JSON parser recurses once per nesting level, and PGlite's WASM stack gives out (the
    // instance stops answering) long before max_stack_depth: a text nested deeper than
    // 1,000 levels is refused here, before the parser sees it. Only a text with more than
    // 1,000 opening brackets is scanned, so ordinary lines pay two length checks.
    `create or replace function public.sf_json_deeper_than(t text, max_depth integer) returns boolean language plpgsql immutable strict as $$
       declare
         b bytea := convert_to(t, 'UTF8');
         depth integer := 0;
         in_string boolean := false;
         escaped boolean := false;
         c integer;
       begin
         for i in 0 .. length(b) - 1 loop
           c := get_byte(b, i);
           if in_string then
             if escaped then escaped := false;
             elsif c = 92 then escaped := true;
             elsif c = 34 then in_string := false;
             end if;
           elsif c = 34 then in_string := true;
           elsif c = 91 or c = 123 then
             depth := depth + 1;
             if depth > max_depth then return true; end if;
           elsif c = 93 or c = 125 then depth := depth - 1;
           end if;
         end loop;
         return false;
       end $$`,
    `create or replace function public.can_json_parse(text) returns boolean language sql stable as $$
       select case
         when octet_length($1) > 1000
           and octet_length($1) - octet_length(translate($1, '[{', '')) > 1000
           and public.sf_json_deeper_than($1, 1000)
           then false
         else pg_input_is_valid($1, 'jsonb')
       end $$`,
    `create or replace function public.json_parse(text) returns jsonb language sql immutable strict as $$ select $1::jsonb $$`,
    `create or replace function public.json_typeof(jsonb) returns text language sql immutable strict as $$ select jsonb_typeof($1) $$`,
    `create or replace function public.sf_json_serialize(jsonb) returns text language sql immutable strict as $$ select $1::text $$`,
    `create or replace function public.json_extract_array_element_text(text, integer) returns text language sql immutable strict as $$ select $1::jsonb ->> $2 $$`,
    `create or replace function public.json_array_length(text) returns integer language sql immutable strict as $$ select jsonb_array_length($1::jsonb) $$`,
    // PostgreSQL parses JSON_SERIALIZE as its own SQL/JSON construct: calls are renamed to this.
    // super::varchar: a string's text, unquoted (the SQL casts only values it checked are strings).
    `create or replace function public.sf_super_to_varchar(jsonb) returns varchar language sql immutable strict as $$ select $1 #>> '{}' $$`,
    // COPY's rejected lines: the emulated COPY rejects none, so the log stays empty and the
    // last COPY id is Redshift's "no COPY yet" (-1); the columns are STL_LOAD_ERRORS' own.
    `create table if not exists public.stl_load_errors (query integer, filename char(256), line_number bigint, raw_line char(1024), err_reason char(100))`,
    `create or replace function public.pg_last_copy_id() returns integer language sql stable as $$ select -1 $$`,
    `do $$ begin
       if not exists (select 1 from pg_cast where castsource = 'jsonb'::regtype and casttarget = 'varchar'::regtype) then
         create cast (jsonb as varchar) with function public.sf_super_to_varchar(jsonb);
       end if;
     end $$`,
  ];
}

const CREATE_TABLE = /^\s*create\s+table\s+(if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)/i;
/** Redshift functions whose PostgreSQL name is taken by a built-in construct. */
function renameFunctions(sql: string): string {
  return sql
    .replace(/\bjson_serialize\s*\(/gi, 'public.sf_json_serialize(')
    .replace(SUPER_TO_VARCHAR, (_all, base: string, keys: string) => `(${arrowPath(base, keys, '->>')})`)
    .replace(SUPER_SUBSCRIPT, (_all, base: string, keys: string) => `(${arrowPath(base, keys, '->')})`);
}

/** `x`, `['a']['b']` -> `x -> 'a' <last> 'b'`. */
function arrowPath(base: string, keys: string, last: '->' | '->>'): string {
  const names = [...keys.matchAll(/'([a-z0-9_]+)'/gi)].map((k) => k[1]);
  return [base, ...names.map((n, i) => `${i === names.length - 1 ? last : '->'} '${n}'`)].join(' ');
}

/**
 * `x['a']['b']::varchar`: what the jsonb -> varchar cast computes (`#>> '{}'` of the value),
 * as operators on `x` (`x -> 'a' ->> 'b'`): no SQL function behind a cast (PostgreSQL
 * inlines a SQL function in a call but not in a cast, ten times slower per value), and
 * `->>` hands back the text without building a jsonb value first. Keys are plain
 * identifiers, so they need no quoting.
 */
const SUBSCRIPTED = String.raw`\b([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)((?:\['[a-z0-9_]+'\])+)`;
const SUPER_TO_VARCHAR = new RegExp(String.raw`${SUBSCRIPTED}::varchar\b`, 'gi');
/**
 * Any other `x['a']['b']` (object keys only): the same value by `x -> 'a' -> 'b'`, which
 * PostgreSQL evaluates without the generic subscripting machinery (about 10% cheaper).
 */
const SUPER_SUBSCRIPT = new RegExp(SUBSCRIPTED, 'gi');

/**
 * `/*+ fence *\/` at the end of a subquery: a planner fence for PostgreSQL (`offset 0`), which
 * otherwise expands a subquery into every reference to its columns and computes a layer once
 * per reference. Redshift ignores the comment (an OFFSET is no fence there).
 */
const FENCE = /\/\*\+\s*fence\s*\*\//gi;

const LEADING_COMMENTS = /^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/;
const SORTKEY = /\b(?:compound\s+|interleaved\s+)?sortkey\s*\(([^)]*)\)/i;

/**
 * Turns one Redshift statement into the PGlite statements that do the same:
 * - `create table`: ENCODE, DISTKEY, DISTSTYLE and SORTKEY are dropped; `identity(1, 1)`
 *   becomes `generated by default as identity`; SUPER becomes jsonb; foreign keys (not
 *   enforced on Redshift) are checked at commit (`deferrable initially deferred`), so the
 *   load's guarantee is still verified; the sort key becomes a BRIN index on the same
 *   columns: like Redshift's zone maps it keeps each block range's minimum and maximum,
 *   so a range on the leading column skips the blocks outside it, and appending rows
 *   costs little (a btree here cost a quarter of the evt_event insert).
 * - elsewhere `json_serialize(` becomes `public.sf_json_serialize(` (PostgreSQL's JSON_SERIALIZE
 *   is a different construct), `x['a']['b']::varchar` becomes `x -> 'a' ->> 'b'`, any other
 *   `x['k']` becomes `x -> 'k'` and a `/*+ fence *\/` comment becomes `offset 0`; everything
 *   else passes unchanged.
 */
export function adaptStatement(statement: string): string[] {
  const sql = statement.replace(LEADING_COMMENTS, '');
  const table = CREATE_TABLE.exec(sql);
  if (!table) return [renameFunctions(statement).replace(FENCE, 'offset 0')];
  const name = table[2];
  const sortkey = SORTKEY.exec(sql);
  let out = sql
    .replace(/\s+encode\s+[a-z0-9_]+/gi, '')
    .replace(/\bdiststyle\s+(all|even|key|auto)\b/gi, '')
    .replace(/\bdistkey\s*\([^)]*\)/gi, '')
    .replace(new RegExp(SORTKEY.source, 'gi'), '')
    .replace(/\bidentity\s*\(\s*\d+\s*,\s*\d+\s*\)/gi, 'generated by default as identity')
    .replace(/\bsuper\b/gi, 'jsonb')
    .replace(/(\breferences\s+[a-z0-9_.]+\s*\([^)]*\))/gi, '$1 deferrable initially deferred');
  out = out.replace(/\)\s*$/, ')').trimEnd();
  const statements = [out];
  if (sortkey) {
    const columns = sortkey[1].split(',').map((c) => c.trim());
    const index = `${name.replace('.', '_')}_sortkey`;
    statements.push(`create index if not exists ${index} on ${name} using brin (${columns.join(', ')})`);
  }
  return statements;
}
