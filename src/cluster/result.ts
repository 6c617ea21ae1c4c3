import type { Readable } from 'node:stream';
import { WordmillError } from '../errors.js';
import type { Spill } from '../store/spill.js';

/**
 * A shard result, one object in shared storage (`shards/<fingerprint>.wms`):
 *
 *   "WMSH" | u32 version | u32 header bytes H | header JSON (H bytes, space-padded to 4)
 *   | docs: u32 × 3 per document (token count, split index, label index or 0xffffffff)
 *   | tokens: u32 per token, shard-local ids (indices into header.dictionary)
 *
 * all little-endian. The dictionary lists the shard's distinct tokens in order of first appearance
 * within the shard, with their counts: merged in shard order, that is first appearance in the corpus.
 */
export interface ShardHeader {
  shard: string;
  docs: number;
  tokens: number;
  splits: string[];
  labels: string[];
  dictionary: string[];
  counts: number[];
}

const MAGIC = 'WMSH';
const VERSION = 1;
export const NO_LABEL = 0xffffffff;

/** The object's bytes: header, then the two spills (chunks copied: a spill reuses its read buffer). */
export function* encodeShard(header: ShardHeader, docs: Spill, tokens: Spill): Generator<Uint8Array> {
  let json = Buffer.from(JSON.stringify(header));
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const pre = Buffer.alloc(12);
  pre.write(MAGIC, 0, 'ascii');
  pre.writeUInt32LE(VERSION, 4);
  pre.writeUInt32LE(json.length, 8);
  yield pre;
  yield json;
  for (const spill of [docs, tokens]) {
    for (const c of spill.chunks(1 << 20)) yield new Uint8Array(c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength));
  }
}

/** Reads exact byte counts from a stream of Buffers. */
class Bytes {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  constructor(stream: Readable, private readonly key: string) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      const r = await this.it.next();
      if (r.done) throw bad(this.key, `ends after ${this.buf.length} of ${n} expected bytes`);
      this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async end(): Promise<void> {
    if (this.buf.length > 0 || !(await this.it.next()).done) throw bad(this.key, 'has bytes past its declared end');
  }
}

const bad = (key: string, why: string) => new WordmillError('WM_ERR_STORE', `shard result ${key} is not valid: ${why}`, { path: key });

/** A shard result being read: the header, then its documents in order, each as shard-local ids. */
export class ShardReader {
  private constructor(readonly header: ShardHeader, private readonly bytes: Bytes, private readonly key: string) {}

  static async open(stream: Readable, key: string): Promise<ShardReader> {
    const bytes = new Bytes(stream, key);
    const pre = await bytes.take(12);
    if (pre.toString('ascii', 0, 4) !== MAGIC) throw bad(key, 'bad magic');
    if (pre.readUInt32LE(4) !== VERSION) throw bad(key, `version ${pre.readUInt32LE(4)}, this wordmill reads ${VERSION}`);
    let header: ShardHeader;
    try {
      header = JSON.parse((await bytes.take(pre.readUInt32LE(8))).toString('utf8')) as ShardHeader;
    } catch (e) {
      throw e instanceof WordmillError ? e : bad(key, `header: ${(e as Error).message}`);
    }
    const whole = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
    if (!whole(header.docs) || !whole(header.tokens)) throw bad(key, `docs ${header.docs} and tokens ${header.tokens} must be whole numbers`);
    if (header.dictionary.length !== header.counts.length) throw bad(key, 'dictionary and counts differ in length');
    return new ShardReader(header, bytes, key);
  }

  /** Every document as (token count, split, label) triples, then each document's ids through `onDoc`. */
  async read(onDoc: (split: string, ids: Uint32Array, label: string | undefined) => void): Promise<void> {
    const { docs, tokens, splits, labels, dictionary } = this.header;
    const meta = copyU32(await this.bytes.take(docs * 12));
    let total = 0;
    for (let d = 0; d < docs; d++) total += meta[3 * d];
    if (total !== tokens) throw bad(this.key, `documents hold ${total} tokens, the header says ${tokens}`);
    const n = dictionary.length;
    for (let d = 0; d < docs; d++) {
      const len = meta[3 * d];
      const split = splits[meta[3 * d + 1]];
      const lid = meta[3 * d + 2];
      if (split === undefined || (lid !== NO_LABEL && labels[lid] === undefined)) throw bad(this.key, `document ${d} names an unknown split or label`);
      const ids = copyU32(await this.bytes.take(len * 4));
      for (let i = 0; i < ids.length; i++) if (ids[i] >= n) throw bad(this.key, `token id ${ids[i]} in document ${d} but ${n} tokens`);
      onDoc(split, ids, lid === NO_LABEL ? undefined : labels[lid]);
    }
    await this.bytes.end();
  }
}

/** A Buffer's bytes as a fresh, aligned Uint32Array (a Buffer slice may start at any offset). */
function copyU32(b: Buffer): Uint32Array {
  const out = new Uint32Array(b.length >>> 2);
  new Uint8Array(out.buffer).set(b);
  return out;
}
