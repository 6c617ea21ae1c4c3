import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WordmillError } from '../errors.js';
import { Vocab } from '../vocab/vocab.js';
import { decodeHeader, fileName, payload, STORE_FORMAT_VERSION, STORE_MAGIC } from './format.js';
import type { StoreMeta } from './meta.js';

/** One split in memory: what every batcher takes. */
export interface SplitData {
  tokens: Uint16Array | Uint32Array;
  /** Document start offsets into `tokens`, n + 1 entries (the last is `tokens.length`). */
  docStarts: Float64Array;
  /** Label id per document (indexes `meta.labels`), for classification splits. */
  labels?: Int32Array;
  nDocs: number;
  nTokens: number;
}

export interface OpenStoreOptions {
  /**
   * Check every file's sha256 against meta.json (sizes and headers are always checked). Default true:
   * measured +22 ms for 10M uint16 tokens (20 MiB) and +0.26 s for 100M (192 MiB) on a loaded 2-core
   * machine (BENCHMARKS.md) — cheap next to training on a silently corrupt store.
   */
  verify?: boolean;
}

export class TokenStore {
  constructor(readonly dir: string, readonly meta: StoreMeta, readonly vocab: Vocab, private readonly data: Map<string, SplitData>) {}

  get splits(): string[] {
    return [...this.data.keys()];
  }

  has(name: string): boolean {
    return this.data.has(name);
  }

  split(name: string): SplitData {
    const s = this.data.get(name);
    if (!s) throw new WordmillError('WM_ERR_STORE', `store ${this.dir} has no split "${name}" (it has: ${this.splits.join(', ') || 'none'})`, { path: this.dir, actual: name });
    return s;
  }
}

const invalid = (dir: string, why: string, path = dir): never => {
  throw new WordmillError('WM_ERR_STORE', `token store ${dir} is invalid: ${why}`, { path });
};

async function readAll(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return invalid(dir, code === 'ENOENT' ? `${name} is missing` : `cannot read ${name}: ${(e as Error).message}`, join(dir, name));
  }
}

/**
 * Opens a store: every file is read whole (one readFile each, viewed as a typed array, no per-token
 * work), checked against meta.json (size always, sha256 when `verify`) and against its header.
 * Any mismatch is a WM_ERR_STORE naming the file: a store is never trusted half-way.
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<TokenStore> {
  const verify = options.verify ?? true;
  let meta: StoreMeta;
  try {
    meta = JSON.parse((await readAll(dir, 'meta.json')).toString('utf8')) as StoreMeta;
  } catch (e) {
    if (e instanceof WordmillError) throw e;
    return invalid(dir, `meta.json is not JSON: ${(e as Error).message}`, join(dir, 'meta.json'));
  }
  if (meta?.magic !== STORE_MAGIC) invalid(dir, 'meta.json has no wordmill-store magic', join(dir, 'meta.json'));
  if (meta.formatVersion !== STORE_FORMAT_VERSION) invalid(dir, `format version ${meta.formatVersion}, expected ${STORE_FORMAT_VERSION}`);
  const names = Object.keys(meta.files ?? {});
  const bufs = new Map<string, Buffer>();
  await Promise.all(names.map(async (n) => { bufs.set(n, await readAll(dir, n)); }));
  for (const n of names) {
    const buf = bufs.get(n)!;
    const want = meta.files[n];
    if (buf.length !== want.size) invalid(dir, `${n} has ${buf.length} bytes, meta.json says ${want.size}`, join(dir, n));
    if (verify && createHash('sha256').update(buf).digest('hex') !== want.sha256) invalid(dir, `${n} does not match its sha256 in meta.json`, join(dir, n));
  }
  let vocab: Vocab;
  try {
    const v = JSON.parse(bufs.get('vocab.json')?.toString('utf8') ?? 'null') as { itos: string[]; counts?: number[] };
    vocab = new Vocab(v.itos, v.counts);
  } catch (e) {
    return invalid(dir, `vocab.json is unreadable: ${(e as Error).message}`, join(dir, 'vocab.json'));
  }
  if (vocab.size !== meta.vocabSize) invalid(dir, `vocab.json has ${vocab.size} entries, meta.json says ${meta.vocabSize}`);
  const data = new Map<string, SplitData>();
  for (const [name, sm] of Object.entries(meta.splits)) data.set(name, loadSplit(dir, meta, name, sm.labeled, bufs));
  return new TokenStore(dir, meta, vocab, data);
}

function loadSplit(dir: string, meta: StoreMeta, name: string, labeled: boolean, bufs: Map<string, Buffer>): SplitData {
  const get = (kind: 'tokens' | 'docs' | 'labels') => {
    const f = fileName(name, kind);
    const b = bufs.get(f);
    if (!b) return invalid(dir, `meta.json does not list ${f}`);
    return { f, b, h: decodeHeader(b, kind, join(dir, f)) };
  };
  const t = get('tokens');
  if (t.h.dtype !== meta.tokenDType) invalid(dir, `${t.f} holds ${t.h.dtype}, meta.json says ${meta.tokenDType}`);
  const tokens = payload(t.b, t.h.dtype, t.h.count) as Uint16Array | Uint32Array;
  const d = get('docs');
  const raw = payload(d.b, 'uint64', d.h.count) as BigUint64Array;
  const docStarts = new Float64Array(raw.length);
  // Read as uint32 pairs: one BigInt per document would cost ≈50 ns each.
  const pairs = new Uint32Array(raw.buffer, raw.byteOffset, raw.length * 2);
  for (let i = 0; i < raw.length; i++) docStarts[i] = pairs[2 * i] + pairs[2 * i + 1] * 0x100000000;
  const nDocs = docStarts.length - 1;
  if (nDocs < 0 || docStarts[0] !== 0 || docStarts[nDocs] !== tokens.length) invalid(dir, `${d.f} does not cover ${t.f}`, join(dir, d.f));
  for (let i = 0; i < nDocs; i++) if (docStarts[i + 1] < docStarts[i]) invalid(dir, `${d.f} offsets decrease at document ${i}`, join(dir, d.f));
  const sm = meta.splits[name];
  if (sm.docs !== nDocs || sm.tokens !== tokens.length) invalid(dir, `split "${name}" has ${nDocs} docs / ${tokens.length} tokens, meta.json says ${sm.docs} / ${sm.tokens}`);
  const out: SplitData = { tokens, docStarts, nDocs, nTokens: tokens.length };
  if (labeled) {
    const l = get('labels');
    out.labels = payload(l.b, 'int32', l.h.count) as Int32Array;
    if (out.labels.length !== nDocs) invalid(dir, `${l.f} has ${out.labels.length} labels for ${nDocs} documents`, join(dir, l.f));
  }
  return out;
}
