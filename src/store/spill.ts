import { closeSync, openSync } from 'node:fs';
import { onDiskSync } from '../disk/errors.js';
import { readExactSync, writeAllSync } from '../disk/write.js';

/**
 * An append-only file of 32-bit values with one fixed buffer: appends copy into the buffer and a full
 * buffer is written with one synchronous write (≈1 ms for 1 MiB), so memory stays flat whatever the
 * corpus size and the caller needs no await per document.
 */
export class Spill {
  private readonly fd: number;
  private readonly buf: Uint32Array;
  private used = 0;
  /** Values appended so far. */
  length = 0;

  constructor(readonly path: string, bufferBytes = 1 << 20) {
    this.fd = onDiskSync(path, 'cannot create the spill file', () => openSync(path, 'w+'));
    this.buf = new Uint32Array(Math.max(1024, bufferBytes >>> 2));
  }

  push(values: Uint32Array | Int32Array): void {
    let off = 0;
    while (off < values.length) {
      const n = Math.min(values.length - off, this.buf.length - this.used);
      this.buf.set(values.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
      if (this.used === this.buf.length) this.flush();
    }
    this.length += values.length;
  }

  pushOne(value: number): void {
    this.buf[this.used++] = value;
    this.length++;
    if (this.used === this.buf.length) this.flush();
  }

  flush(): void {
    if (this.used > 0) writeAllSync(this.fd, new Uint8Array(this.buf.buffer, 0, this.used * 4), this.path, 'cannot write the spill file');
    this.used = 0;
  }

  /** Reads everything back in chunks of at most `chunk` values (the same array each time). */
  *chunks(chunk = 1 << 20): Generator<Uint32Array> {
    this.flush();
    const out = new Uint32Array(chunk);
    let pos = 0;
    const total = this.length * 4;
    while (pos < total) {
      const want = Math.min(out.byteLength, total - pos);
      readExactSync(this.fd, new Uint8Array(out.buffer), want, pos, this.path);
      pos += want;
      yield out.subarray(0, want >>> 2);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
