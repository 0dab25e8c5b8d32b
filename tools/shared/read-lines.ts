/** Lines of NDJSON files, plain or gzip (by the `.gz` suffix), streamed, with a byte counter for progress. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export interface SourceLine {
  readonly file: string;
  /** 1-based line number within its file. */
  readonly lineNo: number;
  /** The line without its line break (a trailing `\r` is kept out too). */
  readonly text: string;
}

/** Bytes of the files read so far (compressed bytes for gzip files). */
export interface ReadCounter {
  bytes: number;
}

export async function* readSourceLines(files: readonly string[], counter?: ReadCounter): AsyncGenerator<SourceLine> {
  for (const file of files) {
    const raw = createReadStream(file);
    if (counter) raw.on('data', (chunk) => { counter.bytes += chunk.length; });
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    // A broken gzip member must fail the read, not end it quietly.
    const failure = new Promise<never>((_, reject) => {
      raw.on('error', reject);
      input.on('error', reject);
    });
    failure.catch(() => undefined);
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    const iterator = lines[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), failure]);
      if (next.done) break;
      lineNo += 1;
      yield { file, lineNo, text: next.value };
    }
  }
}
