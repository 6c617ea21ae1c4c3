import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { diskError, onDisk } from '../disk/errors.js';
import { ensureDir } from '../disk/write.js';
import { WordmillError } from '../errors.js';
import type { ModelConfig } from './config.js';
import type { ClassifierSpec, TaskKind } from './task.js';
import { under } from '../paths.js';

/**
 * A checkpoint is one file: 8-byte magic, a uint32 header length, the SHA-256 of the header (32
 * bytes), a JSON header, then the float32 tensors back to back; the header carries the SHA-256 of
 * the tensor bytes. Every byte is covered, so a flipped bit anywhere is WM_ERR_CHECKPOINT on load
 * instead of a model that silently differs. The header has its own digest so that reading only
 * the header (the parent needs the vocabulary) is verified too, without hashing the tensors.
 * It is written to a temporary file, synced and renamed, so a crash mid-write leaves the previous
 * checkpoint intact.
 */
const MAGIC = Buffer.from('WMCKPT02');
/** Checkpoints before digests: still loadable, but nothing in them can be verified. */
const MAGIC_V1 = Buffer.from('WMCKPT01');
const DIGEST_BYTES = 32;

export interface TensorEntry { name: string; shape: number[]; offset: number; length: number }

export interface CheckpointHeader {
  version: 1;
  /** The task that wrote it (task.ts): `lm` or `classifier`. */
  kind: TaskKind;
  /** Resolved model config plus the spec it came from. */
  config: Record<string, unknown>;
  vocab: string[];
  /** Where the run stands: next batch to train is (epoch, batch); `step` counts optimizer steps. */
  position: { epoch: number; batch: number; step: number; done: boolean };
  train: Record<string, unknown>;
  seed: number;
  metrics: unknown[];
  /** Training seconds (validation excluded) and tokens so far, for throughput across resumes. */
  totals: { seconds: number; tokens: number; waitSeconds: number; trainLossSum: number; trainLossCount: number };
  /** The weights that form the encoder, and those with a row per token (remapped to a new vocabulary). */
  layout?: { encoder: string[]; vocabRows: string[] };
  /** A classifier's classes and head. */
  classifier?: ClassifierSpec;
  tensors: TensorEntry[];
  /** Hex SHA-256 of the tensor section (absent only in WMCKPT01 files). */
  tensorsSha256?: string;
}

export interface Checkpoint { header: CheckpointHeader; tensors: Map<string, Float32Array> }

export async function writeCheckpoint(file: string, header: Omit<CheckpointHeader, 'tensors'>, tensors: Map<string, { shape: number[]; data: Float32Array }>): Promise<void> {
  const entries: TensorEntry[] = [];
  let offset = 0;
  const hash = createHash('sha256');
  for (const [name, t] of tensors) {
    entries.push({ name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length * 4;
    hash.update(bytesOf(t.data));
  }
  const json = Buffer.from(JSON.stringify({ ...header, tensors: entries, tensorsSha256: hash.digest('hex') }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const headerDigest = createHash('sha256').update(json).digest();
  await ensureDir(path.dirname(file), 'cannot create the checkpoint directory');
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await onDisk(file, 'cannot write checkpoint', () => fs.open(tmp, 'w'));
  try {
    await fh.write(MAGIC);
    await fh.write(len);
    await fh.write(headerDigest);
    await fh.write(json);
    for (const t of tensors.values()) await fh.write(bytesOf(t.data));
    await fh.sync();
    await fh.close();
    await fs.rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    const mapped = diskError(e, file, 'cannot write checkpoint');
    throw mapped instanceof WordmillError ? mapped
      : new WordmillError('WM_ERR_DISK', `cannot write checkpoint ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
  }
}

export async function readCheckpoint(file: string): Promise<Checkpoint> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  const at = headerStart(file, buf);
  const hl = headerLength(file, buf, at, buf.length);
  const header = parseHeader(file, buf.subarray(at, at + hl), at > 12 ? buf.subarray(12, at) : undefined);
  const base = at + hl;
  if (header.tensorsSha256 !== undefined) {
    const actual = createHash('sha256').update(buf.subarray(base)).digest('hex');
    if (actual !== header.tensorsSha256) {
      const size = header.tensors.reduce((n, t) => n + t.length * 4, 0);
      throw corrupt(file, buf.length - base < size ? `its tensors are truncated (${buf.length - base} of ${size} bytes)` : 'its tensors do not match the SHA-256 digest stored in it');
    }
  }
  const tensors = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    const start = base + t.offset;
    if (start + t.length * 4 > buf.length) {
      throw new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${file} is truncated (tensor ${t.name})`, { path: file });
    }
    // Copy: the file buffer's offset need not be 4-byte aligned.
    tensors.set(t.name, new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + t.length * 4)));
  }
  return { header, tensors };
}

/** The header alone: reads the prefix, not the tensors (the parent only needs the vocabulary). */
export async function readCheckpointHeader(file: string): Promise<CheckpointHeader> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    let prefix: Buffer, json: Buffer;
    try {
      prefix = await readAt(fh, 0, 12 + DIGEST_BYTES);
      const at = headerStart(file, prefix);
      json = await readAt(fh, at, headerLength(file, prefix, at, (await fh.stat()).size));
      return parseHeader(file, json, at > 12 ? prefix.subarray(12, at) : undefined);
    } catch (e) {
      throw e instanceof WordmillError ? e : unreadable(file, e);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Reads the whole file as the trainer would and checks both digests, hashing the tensors in
 * pieces (bounded memory whatever the model's size): what "this run has a usable checkpoint" means.
 */
export async function verifyCheckpoint(file: string): Promise<CheckpointHeader> {
  const header = await readCheckpointHeader(file);
  const fh = await fs.open(file, 'r').catch((e: unknown) => { throw unreadable(file, e); });
  try {
    const prefix = await readAt(fh, 0, 12 + DIGEST_BYTES);
    const base = headerStart(file, prefix) + prefix.readUInt32LE(8);
    const size = header.tensors.reduce((n, t) => Math.max(n, t.offset + t.length * 4), 0);
    const have = (await fh.stat()).size - base;
    if (have < size) throw corrupt(file, `its tensors are truncated (${have} of ${size} bytes)`);
    if (header.tensorsSha256 === undefined) return header;
    const hash = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    for (let at = base; ;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    if (hash.digest('hex') !== header.tensorsSha256) throw corrupt(file, 'its tensors do not match the SHA-256 digest stored in it');
    return header;
  } finally {
    await fh.close();
  }
}

/** The resolved ModelConfig a checkpoint was written with (its header also carries the spec). */
export function modelConfigOf(header: CheckpointHeader): ModelConfig {
  const { spec: _spec, ...config } = header.config;
  void _spec;
  // Checkpoints from before the model registry have no `arch`: their cell names it (AWD-LSTM's locked dropout).
  if (config.arch === undefined) config.arch = (_spec as { arch?: string } | undefined)?.arch ?? (config.locked ? 'awd-lstm' : config.cell);
  return config as unknown as ModelConfig;
}

const unreadable = (file: string, e: unknown): WordmillError =>
  new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${file} cannot be read: ${(e as Error).message}`, { path: file }, { cause: e });

const corrupt = (file: string, why: string, cause?: unknown): WordmillError =>
  new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${file} is corrupt: ${why}`, { path: file }, { cause });

/** Where the JSON header starts, by format version (after the header digest in WMCKPT02). */
function headerStart(file: string, buf: Buffer): number {
  if (buf.length >= 12 + DIGEST_BYTES && buf.subarray(0, 8).equals(MAGIC)) return 12 + DIGEST_BYTES;
  if (buf.length >= 12 && buf.subarray(0, 8).equals(MAGIC_V1)) return 12;
  throw new WordmillError('WM_ERR_CHECKPOINT', `${file} is not a wordmill checkpoint`, { path: file });
}

/** The header's length, which a damaged file must not turn into a gigabyte allocation. */
function headerLength(file: string, prefix: Buffer, at: number, fileSize: number): number {
  const hl = prefix.readUInt32LE(8);
  if (at + hl > fileSize) throw corrupt(file, `its header length (${hl} bytes) runs past the end of the file (${fileSize} bytes)`);
  return hl;
}

function parseHeader(file: string, json: Buffer, digest: Buffer | undefined): CheckpointHeader {
  if (digest && !createHash('sha256').update(json).digest().equals(digest)) {
    throw corrupt(file, 'its header does not match the SHA-256 digest stored in it');
  }
  try {
    return JSON.parse(json.toString('utf8')) as CheckpointHeader;
  } catch (e) {
    throw corrupt(file, 'its header is not valid JSON', e);
  }
}

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Up to `length` bytes at `position` (fewer at the end of the file). */
async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let n = 0;
  while (n < length) {
    const { bytesRead } = await fh.read(buf, n, length - n, position + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return buf.subarray(0, n);
}

export const checkpointFile = (dir: string): string => under(dir, 'last.wmckpt');
