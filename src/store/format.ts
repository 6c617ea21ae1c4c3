import { endianness } from 'node:os';
import { WordmillError } from '../errors.js';

/** Store layout version; bump on any change of the byte layout or of meta.json's meaning. */
export const STORE_FORMAT_VERSION = 1;
export const STORE_MAGIC = 'wordmill-store';
export const HEADER_BYTES = 16;

export type FileKind = 'tokens' | 'docs' | 'labels';
export type DType = 'uint16' | 'uint32' | 'uint64' | 'int32';

const MAGIC: Record<FileKind, string> = { tokens: 'WMTK', docs: 'WMDS', labels: 'WMLB' };
const DTYPE_CODE: Record<DType, number> = { uint16: 1, uint32: 2, uint64: 3, int32: 4 };
export const DTYPE_BYTES: Record<DType, number> = { uint16: 2, uint32: 4, uint64: 8, int32: 4 };

// Typed arrays use the platform's byte order; the files are little-endian, so a big-endian host would
// silently read garbage. No supported Node platform is big-endian today; fail loudly if one appears.
if (endianness() !== 'LE') {
  throw new WordmillError('WM_ERR_STORE', 'the token store needs a little-endian machine');
}

/**
 * 16-byte header: magic (4 ASCII bytes), format version (uint16 LE), dtype code (uint8), 0 (uint8),
 * element count (uint64 LE). 16 keeps the payload 8-byte aligned, so a whole-file buffer can be
 * viewed as a typed array without copying.
 */
export function encodeHeader(kind: FileKind, dtype: DType, count: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(MAGIC[kind], 0, 'ascii');
  b.writeUInt16LE(STORE_FORMAT_VERSION, 4);
  b.writeUInt8(DTYPE_CODE[dtype], 6);
  b.writeBigUInt64LE(BigInt(count), 8);
  return b;
}

export function decodeHeader(buf: Buffer, kind: FileKind, path: string): { dtype: DType; count: number } {
  const bad = (why: string): never => {
    throw new WordmillError('WM_ERR_STORE', `store file ${path} is not a valid ${kind} file: ${why}`, { path });
  };
  if (buf.length < HEADER_BYTES) bad(`only ${buf.length} bytes`);
  if (buf.toString('ascii', 0, 4) !== MAGIC[kind]) bad(`bad magic ${JSON.stringify(buf.toString('latin1', 0, 4))}`);
  const version = buf.readUInt16LE(4);
  if (version !== STORE_FORMAT_VERSION) bad(`format version ${version}, this wordmill reads ${STORE_FORMAT_VERSION}`);
  const code = buf.readUInt8(6);
  const dtype = (Object.keys(DTYPE_CODE) as DType[]).find((k) => DTYPE_CODE[k] === code);
  if (!dtype) return bad(`unknown dtype code ${code}`);
  const count = Number(buf.readBigUInt64LE(8));
  const expected = HEADER_BYTES + count * DTYPE_BYTES[dtype];
  if (buf.length !== expected) bad(`${buf.length} bytes but the header announces ${count} ${dtype} values (${expected} bytes)`);
  return { dtype, count };
}

/** The payload as a typed array; a view when aligned (the usual case for a whole-file read), else a copy. */
export function payload(buf: Buffer, dtype: DType, count: number): Uint16Array | Uint32Array | Int32Array | BigUint64Array {
  const size = DTYPE_BYTES[dtype];
  const offset = buf.byteOffset + HEADER_BYTES;
  let ab = buf.buffer;
  let off = offset;
  if (offset % size !== 0) {
    const copy = new Uint8Array(count * size);
    copy.set(buf.subarray(HEADER_BYTES));
    ab = copy.buffer;
    off = 0;
  }
  switch (dtype) {
    case 'uint16': return new Uint16Array(ab, off, count);
    case 'uint32': return new Uint32Array(ab, off, count);
    case 'int32': return new Int32Array(ab, off, count);
    case 'uint64': return new BigUint64Array(ab, off, count);
  }
}

export const SPLIT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const fileName = (split: string, kind: FileKind): string => `${split}.${kind}.bin`;
