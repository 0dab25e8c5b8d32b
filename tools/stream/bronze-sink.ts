/**
 * Where the delivery worker writes objects: a local directory (the bronze bucket's
 * keys become relative paths) or an S3 API such as s3rver.
 */
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface BronzeSink {
  put(key: string, body: Uint8Array): Promise<void>;
  /** Every key under a prefix, in name order. */
  list(prefix: string): Promise<string[]>;
  readonly description: string;
}

export class DirectorySink implements BronzeSink {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = root;
  }

  /** The local path of a key. */
  path(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // Write then rename, so a reader never sees half an object (S3 puts are atomic too).
    const partial = `${target}.partial`;
    await writeFile(partial, body);
    await rename(partial, target);
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.partial')) out.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }
}

export class S3Sink implements BronzeSink {
  readonly description: string;

  constructor(private readonly client: S3Client, private readonly bucket: string) {
    this.description = `s3://${bucket}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }
}
