import { readSync, writeSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WordmillError } from '../errors.js';
import { diskError, onDisk, onDiskSync } from './errors.js';

/**
 * Writes all of `bytes` at the descriptor's position. A write to a nearly full disk may be short
 * without failing; the rest must be retried until it lands or the disk says ENOSPC, or the file
 * silently misses its tail (and a later read of it waits forever for bytes that never came).
 */
export function writeAllSync(fd: number, bytes: Uint8Array, file: string, what = 'cannot write'): void {
  let done = 0;
  while (done < bytes.length) {
    const n = onDiskSync(file, what, () => writeSync(fd, bytes, done, bytes.length - done));
    if (n <= 0) throw diskError(Object.assign(new Error('write made no progress'), { code: 'EIO' }), file, what);
    done += n;
  }
}

/** Reads exactly `length` bytes into `buf` from `position`; a file shorter than that was damaged under us. */
export function readExactSync(fd: number, buf: Uint8Array, length: number, position: number, file: string): void {
  let got = 0;
  while (got < length) {
    const n = onDiskSync(file, 'cannot read back', () => readSync(fd, buf, got, length - got, position + got));
    if (n === 0) throw new WordmillError('WM_ERR_DISK', `cannot read back ${file}: it ends at byte ${position + got}, ${length - got} bytes short of what was written`, { path: file });
    got += n;
  }
}

/** `data` to `file` through a temp file and a rename: a reader sees the old file or the new one, never half. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, what = 'cannot write'): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw diskError(e, file, what);
  }
}

/**
 * Lines appended to one file in order, without the caller awaiting each (an epoch callback cannot).
 * A failed append is kept, not left as an unhandled rejection: `flush` raises it (WM_ERR_DISK naming
 * the file), and later lines are dropped so the file never has a gap in the middle.
 */
export class AppendLog {
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown;
  constructor(readonly file: string, private readonly what = 'cannot append to') {}

  append(text: string): void {
    this.chain = this.chain.then(async () => {
      if (this.failed !== undefined) return;
      await onDisk(this.file, this.what, () => appendFile(this.file, text)).catch((e: unknown) => { this.failed = e; });
    });
  }

  /** Waits for every append so far; throws the first failure. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failed !== undefined) throw this.failed;
  }
}

/**
 * `mkdir -p dir`, with the real reason when it fails: Node's recursive mkdir reports ENOENT on a
 * read-only or otherwise refusing file system, so the first missing ancestor is retried alone to
 * get the errno the file system actually gave.
 */
export async function ensureDir(dir: string, what = 'cannot create the directory'): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw diskError(e, dir, what);
    let missing = dir;
    while (path.dirname(missing) !== missing && !(await stat(path.dirname(missing)).then(() => true, () => false))) missing = path.dirname(missing);
    const real = await mkdir(missing).then(() => e, (e2: unknown) => e2);
    throw diskError(real, dir, what);
  }
}
