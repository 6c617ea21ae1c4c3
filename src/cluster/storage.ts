import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WordmillError } from '../errors.js';

/**
 * Where shard results live between the shard jobs that write them and the merge that reads them:
 * whole objects under `/`-separated keys. Deliberately the operations an S3-compatible store has
 * (put, get, list, rename = copy + delete there), so a bucket can replace the shared directory.
 * Atomicity comes from the caller's pattern: put under a temporary key, then rename; a reader only
 * ever gets final keys, so a writer killed mid-put leaves garbage under `tmp/`, never a half result.
 */
export interface SharedStorage {
  /** For messages: the directory or bucket. */
  readonly where: string;
  put(key: string, body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void>;
  /** The object's bytes as a stream, or undefined when there is no such key. */
  get(key: string): Promise<Readable | undefined>;
  /** Keys starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  remove(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** A directory every machine mounts (NFS, Lustre, EFS): rename(2) within one file system is atomic. */
export class DirStorage implements SharedStorage {
  constructor(readonly where: string) {}

  private path(key: string): string {
    if (!KEY.test(key)) throw new WordmillError('WM_ERR_OPTION', `shared storage key ${JSON.stringify(key)} is not a safe relative name`, { actual: key });
    return join(this.where, ...key.split('/'));
  }

  private disk(e: unknown, what: string, path: string): WordmillError {
    return new WordmillError('WM_ERR_DISK', `shared storage: cannot ${what} ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }

  async put(key: string, body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    const path = this.path(key);
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(body, createWriteStream(path));
    } catch (e) {
      throw e instanceof WordmillError ? e : this.disk(e, 'write', path);
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    const path = this.path(key);
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    // Open before returning, so a missing key is `undefined` here and not an error at the first read.
    return new Promise((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? resolve(undefined) : reject(this.disk(e, 'read', path))));
    });
  }

  async list(prefix: string): Promise<string[]> {
    const cut = prefix.lastIndexOf('/');
    const dir = cut < 0 ? '' : prefix.slice(0, cut);
    const names = await readdir(dir ? this.path(dir) : this.where).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw this.disk(e, 'list', join(this.where, dir));
    });
    return names.map((n) => (dir ? `${dir}/${n}` : n)).filter((k) => k.startsWith(prefix)).sort();
  }

  async rename(from: string, to: string): Promise<void> {
    const target = this.path(to);
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(this.path(from), target);
    } catch (e) {
      throw e instanceof WordmillError ? e : this.disk(e, 'rename', `${this.path(from)} to ${target}`);
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
