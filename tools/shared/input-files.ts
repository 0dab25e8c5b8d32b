/** Expands arguments into files: a directory stands for its `*.ndjson`, `*.json` and `*.gz` files in name order. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const DATA_FILE = /\.(ndjson|json|gz)$/;

export async function expandInputs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new Error(`cannot read ${path}: no such file or directory`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => DATA_FILE.test(n)).sort();
      out.push(...names.map((n) => join(path, n)));
    } else {
      out.push(path);
    }
  }
  return out;
}
