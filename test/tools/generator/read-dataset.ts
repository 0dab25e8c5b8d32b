/** Test helper: the lines of a generated dataset's event files, with the file each came from. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export interface DatasetLine {
  readonly line: string;
  readonly file: number;
}

export async function readLines(path: string): Promise<string[]> {
  const raw = await readFile(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '');
}

export async function readEventLines(files: readonly string[]): Promise<DatasetLine[]> {
  const out: DatasetLine[] = [];
  for (const [file, path] of files.entries()) {
    for (const line of await readLines(path)) out.push({ line, file });
  }
  return out;
}
