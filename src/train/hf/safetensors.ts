import { promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import { WordmillError } from '../../errors.js';
import { writeFileAtomic } from '../../disk/write.js';

/**
 * Hugging Face's safetensors format (huggingface/safetensors' README): an 8-byte little-endian
 * header length, a JSON header mapping each tensor name to {dtype, shape, data_offsets} (offsets
 * relative to the end of the header; `__metadata__` holds strings), then the raw little-endian data.
 * The npm registry has no well-kept reader (BENCHMARKS.md, "why hand-written"); the format is
 * small enough to check completely here: every byte of the data section belongs to exactly one
 * tensor, as the format's own validation demands.
 */
export interface HfTensor { shape: number[]; data: Float32Array }
export interface Safetensors { tensors: Map<string, HfTensor>; metadata: Record<string, string> }

/** Bytes per element of the dtypes read; everything is widened to float32 (the trainer's type). */
const LITTLE = endianness() === 'LE';
const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
type Dtype = keyof typeof DTYPE_BYTES;
/** A header this large is no model's: refuse it before JSON.parse allocates it (the crate's limit is 100 MB). */
const MAX_HEADER = 100 * 2 ** 20;

const bad = (file: string, why: string): WordmillError =>
  new WordmillError('WM_ERR_CHECKPOINT', `${file} is not a usable safetensors file: ${why}`, { path: file });

export async function readSafetensors(file: string): Promise<Safetensors> {
  const buf = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new WordmillError(e.code === 'ENOENT' ? 'WM_ERR_NOT_FOUND' : 'WM_ERR_CHECKPOINT', `cannot read ${file}: ${e.message}`, { path: file }, { cause: e });
  });
  return parseSafetensors(file, buf);
}

export function parseSafetensors(file: string, buf: Buffer): Safetensors {
  if (buf.length < 8) throw bad(file, `it has ${buf.length} bytes, fewer than the 8-byte header length`);
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(Math.min(MAX_HEADER, buf.length - 8))) throw bad(file, `its header length (${n} bytes) runs past the file (${buf.length} bytes) or over 100 MiB`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + Number(n)).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw bad(file, `its header is not JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw bad(file, 'its header is not a JSON object');
  const base = 8 + Number(n);
  const dataLen = buf.length - base;
  const { __metadata__: meta, ...entries } = header;
  const tensors = new Map<string, HfTensor>();
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(entries)) {
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e?.dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, e.dtype)) {
      throw bad(file, `tensor ${name} has dtype ${JSON.stringify(e?.dtype)}; wordmill reads ${Object.keys(DTYPE_BYTES).join(', ')}`);
    }
    const shape = e.shape, off = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(file, `tensor ${name} has shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d)) || off[0] < 0 || off[1] < off[0] || off[1] > dataLen) {
      throw bad(file, `tensor ${name} has data_offsets ${JSON.stringify(off)} outside the ${dataLen}-byte data section`);
    }
    const dtype = e.dtype as Dtype;
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (off[1] - off[0] !== count * DTYPE_BYTES[dtype]) throw bad(file, `tensor ${name} (${dtype} ${JSON.stringify(shape)}) needs ${count * DTYPE_BYTES[dtype]} bytes, its offsets span ${off[1] - off[0]}`);
    spans.push([off[0], off[1], name]);
    tensors.set(name, { shape: shape as number[], data: decode(buf.subarray(base + off[0], base + off[1]), dtype, count) });
  }
  // The data section is exactly the tensors, back to back: a gap or an overlap is a damaged file.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [s, e, name] of spans) {
    if (s !== at) throw bad(file, `tensor ${name} starts at byte ${s} of the data section, expected ${at} (a gap or an overlap)`);
    at = e;
  }
  if (at !== dataLen) throw bad(file, `${dataLen - at} bytes after the last tensor`);
  const metadata: Record<string, string> = {};
  if (meta !== undefined) {
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw bad(file, '__metadata__ is not an object');
    for (const [k, v] of Object.entries(meta)) {
      if (typeof v !== 'string') throw bad(file, `__metadata__.${k} is not a string`);
      metadata[k] = v;
    }
  }
  return { tensors, metadata };
}

/** Little-endian bytes of `dtype` as float32 (a copy: the buffer's offset need not be aligned). */
export function decode(bytes: Uint8Array, dtype: Dtype, count: number): Float32Array {
  // new Uint8Array(view) copies into a fresh, aligned buffer (Buffer's slice would not copy).
  if (dtype === 'F32' && LITTLE) return new Float32Array(new Uint8Array(bytes).buffer);
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) u[i] = view.getUint16(i * 2, true) << 16;
  } else for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

/** IEEE 754 binary16 to a number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The bytes of a float32 safetensors file, tensors in the order given. The header is padded with
 * spaces to a multiple of 8 bytes, as the Rust crate writes it, so the data section is aligned.
 */
export function encodeSafetensors(tensors: Map<string, HfTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let at = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new WordmillError('WM_ERR_CHECKPOINT', `tensor ${name}: shape ${JSON.stringify(t.shape)} holds ${count} values, the data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [at, at + t.data.length * 4] };
    at += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + at);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let o = 8 + head.length;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const t of tensors.values()) {
    // Bytes as they are on a little-endian host (bit for bit, NaN payloads too), else swapped.
    if (LITTLE) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(o + i * 4, t.data[i], true);
    o += t.data.byteLength;
  }
  return out;
}

export async function writeSafetensors(file: string, tensors: Map<string, HfTensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata), 'cannot write the safetensors file');
}
