import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { diskError, onDisk } from '../disk/errors.js';
import { ensureDir } from '../disk/write.js';
import { WordmillError } from '../errors.js';
import { pausePoint } from '../pause.js';
import { TokenCounter } from '../vocab/counter.js';
import { FAKE_TOKEN } from '../vocab/specials.js';
import type { Vocab } from '../vocab/vocab.js';
import { writeJson, writeMapped, writeOffsets } from './emit.js';
import { fileName, SPLIT_NAME, STORE_FORMAT_VERSION, STORE_MAGIC, type DType } from './format.js';
import { storeDir, storesDir } from './fingerprint.js';
import type { FileMeta, SplitMeta, StoreMeta } from './meta.js';
import { openStore, type TokenStore } from './reader.js';
import { Spill } from './spill.js';
import { under } from '../paths.js';

export interface StoreWriterOptions {
  /** Cache root (see cacheRoot()); the store lands in `<root>/stores/<fingerprint>`. */
  root: string;
  fingerprint: string;
  /** Recorded in meta.json as what the fingerprint was computed from. */
  inputs: object;
  /** Counter that assigns provisional ids; a fresh one by default (`writer.counter`). */
  counter?: TokenCounter;
  /** Spill buffer per file, bytes. */
  bufferBytes?: number;
  /** Aborting it before the store is renamed into place removes the temp dir (WM_ERR_ABORTED): nothing is left. */
  signal?: AbortSignal;
}

export interface FinishMeta {
  /** Label names in id order; default: the labels seen, sorted (fastai's CategoryMap sorts). */
  labels?: string[];
  extra?: Record<string, unknown>;
}

interface SplitSpill { tokens: Spill; lengths: Spill; labels: Spill; labeled: number; /** Tokens of a long document's pieces so far. */ pending?: number }

/** Temp dirs are `.tmp-<fingerprint>-…` so a later run holding the lock can find and delete leftovers. */
export const tempPrefix = (fp: string): string => `.tmp-${fp}-`;
/** The fingerprint a temp dir name (`.tmp-<fp>-XXXXXX`, or that plus `.old`) was made for. */
export const tempFingerprint = (name: string): string | undefined => /^\.tmp-(.+)-[^-.]+(\.old)?$/.exec(name)?.[1];

/**
 * Writes one store: documents of provisional ids are spilled per split while the corpus streams in;
 * `finish` maps them through the final vocabulary into the store files inside a temp dir, then
 * renames the dir into place, so a crash at any point leaves no half store under the final name.
 * The caller must hold the store's lock (ensureStore does).
 */
export class StoreWriter {
  readonly counter: TokenCounter;
  private readonly splits = new Map<string, SplitSpill>();
  private readonly labelIds = new Map<string, number>();
  private state: 'open' | 'finished' | 'aborted' = 'open';

  /** True once the store is published under its final name. */
  get finished(): boolean {
    return this.state === 'finished';
  }

  private constructor(readonly options: StoreWriterOptions, readonly tempDir: string) {
    this.counter = options.counter ?? new TokenCounter();
  }

  static async create(options: StoreWriterOptions): Promise<StoreWriter> {
    const parent = storesDir(options.root);
    try {
      await ensureDir(parent, 'cannot create a token store under');
      const dir = await mkdtemp(under(parent, tempPrefix(options.fingerprint)));
      await mkdir(under(dir, 'spill'));
      return new StoreWriter(options, dir);
    } catch (e) {
      const mapped = diskError(e, parent, 'cannot create a token store under');
      throw mapped instanceof WordmillError ? mapped
        : new WordmillError('WM_ERR_DISK', `cannot create a token store under ${parent}: ${(e as Error).message}`, { path: parent }, { cause: e });
    }
  }

  get finalDir(): string {
    return storeDir(this.options.root, this.options.fingerprint);
  }

  /** Appends one document (provisional ids from `counter.addChunk`) to `split`. */
  /**
   * Appends one document's tokens, or with `more` one piece of a long document: its pieces' tokens are
   * laid end to end and counted as one document when the last piece (without `more`) comes.
   */
  appendDoc(split: string, provisionalIds: Uint32Array, label?: string, more = false): void {
    if (this.state !== 'open') throw new WordmillError('WM_ERR_STORE', `store writer is ${this.state}`, { path: this.tempDir });
    let s = this.splits.get(split);
    if (!s) {
      if (!SPLIT_NAME.test(split)) throw new WordmillError('WM_ERR_SPEC', `split name ${JSON.stringify(split)} must be letters, digits, '.', '_' or '-'`, { actual: split });
      const at = (k: string) => under(this.tempDir, 'spill', `${split}.${k}`);
      const b = this.options.bufferBytes;
      s = { tokens: new Spill(at('tokens'), b), lengths: new Spill(at('lengths'), 64 << 10), labels: new Spill(at('labels'), 64 << 10), labeled: 0 };
      this.splits.set(split, s);
    }
    s.tokens.push(provisionalIds);
    if (more) {
      s.pending = (s.pending ?? 0) + provisionalIds.length;
      return;
    }
    s.lengths.pushOne((s.pending ?? 0) + provisionalIds.length);
    s.pending = 0;
    let lid = 0xffffffff;
    if (label !== undefined) {
      lid = this.labelIds.get(label) ?? this.labelIds.size;
      this.labelIds.set(label, lid);
      s.labeled++;
    }
    s.labels.pushOne(lid);
  }

  /** Writes the final files through `vocab`, renames the store into place and opens it. */
  async finish(vocab: Vocab, meta: FinishMeta = {}): Promise<TokenStore> {
    await this.publishStore(vocab, meta);
    return openStore(this.finalDir, { verify: false });
  }

  /** As finish, without loading the store (a `prepare` that only reports counts needs no tokens in memory). */
  async publishStore(vocab: Vocab, meta: FinishMeta = {}): Promise<StoreMeta> {
    if (this.state !== 'open') throw new WordmillError('WM_ERR_STORE', `store writer is ${this.state}`, { path: this.tempDir });
    try {
      await pausePoint('store-finish');
      this.checkSignal();
      const table = this.lookupTable(vocab);
      const labelNames = meta.labels ?? [...this.labelIds.keys()].sort();
      const labelTable = this.labelTable(labelNames);
      const dtype: DType = vocab.idWidth === 16 ? 'uint16' : 'uint32';
      const files: Record<string, FileMeta> = {};
      const splits: Record<string, SplitMeta> = {};
      for (const [name, s] of this.splits) {
        if (s.labeled !== 0 && s.labeled !== s.lengths.length) {
          throw new WordmillError('WM_ERR_SPEC', `split "${name}": ${s.labeled} of ${s.lengths.length} documents have a label; either all or none must`, { actual: name });
        }
        files[fileName(name, 'tokens')] = await writeMapped(under(this.tempDir, fileName(name, 'tokens')), 'tokens', dtype, s.tokens, table);
        files[fileName(name, 'docs')] = await writeOffsets(under(this.tempDir, fileName(name, 'docs')), s.lengths);
        if (s.labeled > 0) files[fileName(name, 'labels')] = await writeMapped(under(this.tempDir, fileName(name, 'labels')), 'labels', 'int32', s.labels, labelTable);
        splits[name] = { docs: s.lengths.length, tokens: s.tokens.length, labeled: s.labeled > 0 };
        this.checkSignal();
      }
      this.closeSpills();
      files['vocab.json'] = await writeJson(under(this.tempDir, 'vocab.json'), { itos: vocab.itos, counts: this.corpusCounts(vocab) });
      const out: StoreMeta = {
        magic: STORE_MAGIC, formatVersion: STORE_FORMAT_VERSION, fingerprint: this.options.fingerprint,
        inputs: this.options.inputs, created: new Date().toISOString(), idWidth: vocab.idWidth, tokenDType: dtype,
        vocabSize: vocab.size, splits, ...(labelNames.length ? { labels: labelNames } : {}), files,
        ...(meta.extra ? { extra: meta.extra } : {}),
      };
      // meta.json last: a dir without it is never a store, even if a rename went half way.
      await writeJson(under(this.tempDir, 'meta.json'), out);
      await rm(join(this.tempDir, 'spill'), { recursive: true, force: true });
      // The last moment an interrupt can still leave nothing: after the rename the store is complete.
      this.checkSignal();
      await this.publish();
      this.state = 'finished';
      await pausePoint('store-published');
      return out;
    } catch (e) {
      await this.abort();
      const mapped = diskError(e, this.tempDir, 'writing the token store failed');
      throw mapped instanceof WordmillError ? mapped
        : new WordmillError('WM_ERR_DISK', `writing the token store ${this.tempDir} failed: ${(e as Error).message}`, { path: this.tempDir }, { cause: e });
    }
  }

  private checkSignal(): void {
    const signal = this.options.signal;
    if (signal?.aborted) {
      throw new WordmillError('WM_ERR_ABORTED', `interrupted while writing the token store${signal.reason instanceof Error ? ` (${signal.reason.message})` : ''}; nothing was kept`, { path: this.finalDir });
    }
  }

  /** Deletes the temp dir; safe to call twice. */
  async abort(): Promise<void> {
    if (this.state === 'finished') return;
    this.state = 'aborted';
    this.closeSpills();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  private closeSpills(): void {
    for (const s of this.splits.values()) for (const f of [s.tokens, s.lengths, s.labels]) {
      try { f.close(); } catch { /* already closed */ }
    }
  }

  private lookupTable(vocab: Vocab): Uint32Array {
    const tokens = this.counter.tokens;
    const table = new Uint32Array(tokens.length);
    for (let p = 0; p < tokens.length; p++) {
      const id = vocab.stoi(tokens[p]);
      if (id < 0) {
        throw new WordmillError('WM_ERR_VOCAB', `token ${JSON.stringify(tokens[p])} is not in the vocabulary, which has no unknown token to map it to`, { actual: tokens[p] });
      }
      table[p] = id;
    }
    return table;
  }

  /**
   * The vocabulary's own counts; for a vocabulary loaded from a file (no counts) the corpus counts of
   * its entries instead, so `inspect` can still report top tokens and draw the Zipf plot.
   */
  private corpusCounts(vocab: Vocab): number[] {
    if (vocab.counts.some((c) => c > 0)) return Array.from(vocab.counts);
    return vocab.itos.map((t) => {
      const p = this.counter.idOf(t);
      return p === undefined || t === FAKE_TOKEN ? 0 : this.counter.count(p);
    });
  }

  private labelTable(names: string[]): Uint32Array {
    const table = new Uint32Array(this.labelIds.size);
    for (const [label, lid] of this.labelIds) {
      const id = names.indexOf(label);
      if (id < 0) throw new WordmillError('WM_ERR_SPEC', `label ${JSON.stringify(label)} is not among the declared labels ${JSON.stringify(names)}`, { actual: label });
      table[lid] = id;
    }
    return table;
  }

  private async publish(): Promise<void> {
    const final = this.finalDir;
    // A corrupt store under the final name is moved aside first: rename cannot replace a non-empty dir.
    const old = `${this.tempDir}.old`;
    let moved = false;
    try {
      await rename(final, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw diskError(e, final, 'cannot move the old store aside');
    }
    await onDisk(final, 'cannot publish the store', () => rename(this.tempDir, final));
    if (moved) await rm(old, { recursive: true, force: true });
  }
}
