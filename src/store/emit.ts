import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { onDisk, onDiskSync } from '../disk/errors.js';
import { writeAllSync } from '../disk/write.js';
import { setImmediate as tick } from 'node:timers/promises';
import { encodeHeader, type DType, type FileKind } from './format.js';
import type { FileMeta } from './meta.js';
import type { Spill } from './spill.js';

/** A spill of provisional ids (or label ids) mapped through `table` into a binary store file. */
export async function writeMapped(path: string, kind: FileKind, dtype: DType, spill: Spill, table: Uint32Array): Promise<FileMeta> {
  const out = dtype === 'uint16' ? new Uint16Array(1 << 20) : dtype === 'int32' ? new Int32Array(1 << 20) : new Uint32Array(1 << 20);
  return writeBinary(path, kind, dtype, spill.length, function* () {
    for (const chunk of spill.chunks(1 << 20)) {
      for (let i = 0; i < chunk.length; i++) out[i] = table[chunk[i]];
      yield out.subarray(0, chunk.length);
    }
  });
}

/** Document lengths → n + 1 uint64 start offsets. */
export async function writeOffsets(path: string, lengths: Spill): Promise<FileMeta> {
  // uint64 offsets as (lo, hi) uint32 pairs: exact past 4G tokens without BigInt per document.
  const out = new Uint32Array(2 << 16);
  return writeBinary(path, 'docs', 'uint64', lengths.length + 1, function* () {
    let off = 0;
    let k = 0;
    const put = (v: number) => {
      out[k++] = v >>> 0;
      out[k++] = Math.floor(v / 0x100000000);
    };
    put(0);
    for (const chunk of lengths.chunks(1 << 16)) {
      for (let i = 0; i < chunk.length; i++) {
        off += chunk[i];
        put(off);
        if (k === out.length) { yield out; k = 0; }
      }
    }
    if (k > 0) yield out.subarray(0, k);
  });
}

/** Header + parts, hashed while written: the sha256 in meta.json costs no second read. */
async function writeBinary(path: string, kind: FileKind, dtype: DType, count: number, parts: () => Generator<ArrayBufferView>): Promise<FileMeta> {
  const fd = onDiskSync(path, 'cannot create the store file', () => openSync(path, 'w'));
  const hash = createHash('sha256');
  let size = 0;
  let n = 0;
  try {
    const write = (v: ArrayBufferView) => {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      hash.update(bytes);
      writeAllSync(fd, bytes, path, 'cannot write the store file');
      size += bytes.length;
    };
    write(encodeHeader(kind, dtype, count));
    for (const part of parts()) {
      write(part);
      // Let progress bars and signals run between 4 MiB chunks of a long rewrite.
      if (++n % 16 === 0) await tick();
    }
  } finally {
    onDiskSync(path, 'cannot write the store file', () => closeSync(fd));
  }
  return { size, sha256: hash.digest('hex') };
}

export async function writeJson(path: string, value: unknown): Promise<FileMeta> {
  const text = Buffer.from(JSON.stringify(value));
  await onDisk(path, 'cannot write the store file', () => writeFile(path, text));
  return { size: text.length, sha256: createHash('sha256').update(text).digest('hex') };
}
