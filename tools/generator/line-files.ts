/**
 * Writes lines to numbered files of at most `linesPerFile` lines
 * (`events-0001.ndjson`, … so that name order is load order), plain or gzip,
 * honouring back-pressure so memory stays flat whatever the volume.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

const CHUNK = 256 * 1024;

export class LineFiles {
  readonly files: string[] = [];
  private out: Gzip | WriteStream | undefined;
  private file: WriteStream | undefined;
  private linesInFile = 0;
  private pending = '';

  constructor(
    private readonly dir: string,
    private readonly linesPerFile: number,
    private readonly gzip: boolean,
  ) {}

  async write(line: string): Promise<void> {
    if (this.out === undefined || this.linesInFile >= this.linesPerFile) await this.rotate();
    this.pending += `${line}\n`;
    this.linesInFile += 1;
    if (this.pending.length >= CHUNK) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.closeCurrent();
  }

  private async flush(): Promise<void> {
    if (this.out === undefined || this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private async rotate(): Promise<void> {
    await this.flush();
    await this.closeCurrent();
    const name = `events-${String(this.files.length + 1).padStart(4, '0')}.ndjson${this.gzip ? '.gz' : ''}`;
    const path = join(this.dir, name);
    this.files.push(path);
    this.file = createWriteStream(path);
    if (this.gzip) {
      const gz = createGzip();
      gz.pipe(this.file);
      this.out = gz;
    } else {
      this.out = this.file;
    }
    this.linesInFile = 0;
  }

  private async closeCurrent(): Promise<void> {
    const out = this.out;
    const file = this.file;
    if (out === undefined || file === undefined) return;
    this.out = undefined;
    this.file = undefined;
    const closed = once(file, 'close');
    out.end();
    await closed;
  }
}
