/** Every SQL file of sql/, for the static tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export function sqlFiles(dir = SQL_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sqlFiles(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  ).sort();
}

export const rel = (file: string): string => relative(SQL_DIR, file);
export const text = (file: string): string => readFileSync(file, 'utf8');
