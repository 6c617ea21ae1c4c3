import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ResolvedFile } from '../download/types.js';

/** Files up to this size are read whole, ahead of need. */
const SMALL = 1 << 20;
const WINDOW = 16;
const ZIP_MAGIC = 0x04034b50;

/**
 * Reads the next small files of a source while the current one is being extracted. A corpus of
 * many small files (IMDB's 100k reviews, a folder of documents) otherwise pays a serial
 * open/read/close round trip and a 1 MiB stream buffer per file: measured on 4,000 files of 12 KB,
 * 2.5 s of the 3.7 s went to waiting on I/O one file at a time and 2 s to collecting the buffers.
 * At most WINDOW files (≤ 16 MiB) are held. Zips and large files are still opened by path (a zip
 * needs random access to its central directory).
 */
export class ReadAhead {
  private readonly pending = new Map<number, Promise<Buffer | undefined>>();

  constructor(private readonly files: readonly ResolvedFile[]) {}

  /** The source for file `i`: a stream over its prefetched bytes, or its path. */
  async take(i: number): Promise<string | Readable> {
    for (let j = i; j < Math.min(i + WINDOW, this.files.length); j++) this.prefetch(j);
    const buf = await this.pending.get(i);
    this.pending.delete(i);
    const f = this.files[i];
    if (!buf || (buf.length >= 4 && buf.readUInt32LE(0) === ZIP_MAGIC)) return f.path;
    return Readable.from([buf], { objectMode: false });
  }

  private prefetch(j: number): void {
    if (this.pending.has(j) || this.files[j].size > SMALL) return;
    // A failed read falls back to opening by path, which reports the error with the file's name.
    this.pending.set(j, readFile(this.files[j].path).catch(() => undefined));
  }
}
