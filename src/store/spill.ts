import { closeSync, openSync, readSync, writeSync } from 'node:fs';

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
    this.fd = openSync(path, 'w+');
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
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used * 4);
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
      let got = 0;
      while (got < want) got += readSync(this.fd, out, got, want - got, pos + got);
      pos += want;
      yield out.subarray(0, want >>> 2);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
