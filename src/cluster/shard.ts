import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WordmillError } from '../errors.js';
import { readDocuments } from '../extract/read-documents.js';
import { humanNumbersDocs } from '../pipeline/embedded.js';
import { tokenizeInto, type DocSink } from '../pipeline/prepare.js';
import type { StageContext } from '../stage.js';
import { SPLIT_NAME } from '../store/format.js';
import { Spill } from '../store/spill.js';
import { TokenCounter } from '../vocab/counter.js';
import type { ShardJobData, ShardJobResult } from './jobs.js';
import { encodeShard, NO_LABEL, ShardReader } from './result.js';
import type { SharedStorage } from './storage.js';

export const shardKey = (fp: string): string => `shards/${fp}.wms`;
export const tmpKey = (fp: string): string => `tmp/${fp}.${process.pid}-${randomBytes(4).toString('hex')}.part`;

/** A shard's documents spilled to local temp files, with the shard's own counter. */
class ShardSink implements DocSink {
  readonly counter = new TokenCounter();
  readonly docs: Spill;
  readonly tokens: Spill;
  private readonly splits = new Map<string, number>();
  private readonly labels = new Map<string, number>();
  constructor(dir: string) {
    this.docs = new Spill(join(dir, 'docs'), 64 << 10);
    this.tokens = new Spill(join(dir, 'tokens'));
  }

  private pending = 0;

  /** As StoreWriter.appendDoc: pieces with `more` are one document, recorded with its last piece. */
  appendDoc(split: string, ids: Uint32Array, label?: string, more = false): void {
    let s = this.splits.get(split);
    if (s === undefined) {
      if (!SPLIT_NAME.test(split)) throw new WordmillError('WM_ERR_SPEC', `split name ${JSON.stringify(split)} must be letters, digits, '.', '_' or '-'`, { actual: split });
      s = this.splits.size;
      this.splits.set(split, s);
    }
    let l = NO_LABEL;
    if (label !== undefined) {
      l = this.labels.get(label) ?? this.labels.size;
      this.labels.set(label, l);
    }
    this.tokens.push(ids);
    if (more) {
      this.pending += ids.length;
      return;
    }
    this.docs.pushOne(this.pending + ids.length);
    this.pending = 0;
    this.docs.pushOne(s);
    this.docs.pushOne(l);
  }

  header(fp: string) {
    return {
      shard: fp,
      docs: this.docs.length / 3,
      tokens: this.tokens.length,
      splits: [...this.splits.keys()],
      labels: [...this.labels.keys()],
      dictionary: this.counter.tokens,
      counts: Array.from(this.counter.counts()),
    };
  }

  close(): void {
    this.docs.close();
    this.tokens.close();
  }
}

/** True when a complete, readable result for this shard is already in storage (a resubmitted run). */
export async function shardDone(storage: SharedStorage, fp: string): Promise<boolean> {
  const stream = await storage.get(shardKey(fp));
  if (!stream) return false;
  try {
    const r = await ShardReader.open(stream, shardKey(fp));
    return r.header.shard === fp;
  } catch {
    return false;
  } finally {
    stream.destroy();
  }
}

export interface ShardRunOptions {
  storage: SharedStorage;
  /** Tokenizer threads of this worker's pool. */
  workers?: number;
  /** Test hook: called after half the result object is written, before the rest (a kill lands mid-write). */
  midWrite?: () => Promise<void>;
}

/**
 * One shard job: the shard's documents through the same stages as a local prepare (read, rules,
 * tokenize on this process's pool, count), the result written under a temp key and renamed into
 * place. Any failure names the shard and, through the stages' own errors, the file and document.
 */
export async function runShard(data: ShardJobData, opts: ShardRunOptions, ctx: StageContext): Promise<ShardJobResult> {
  const started = performance.now();
  const { shard } = data;
  const worker = `${hostname()}:${process.pid}`;
  if (await shardDone(opts.storage, shard.fingerprint)) {
    return { shard: shard.index, reused: true, docs: 0, tokens: 0, seconds: (performance.now() - started) / 1000, worker };
  }
  for (const f of shard.files) {
    const size = await stat(f.path).then((s) => s.size, (e: Error) => {
      throw new WordmillError('WM_ERR_NOT_FOUND', `source file ${f.path} is not visible on this worker (${worker}): ${e.message}`, { path: f.path });
    });
    if (size !== f.size) throw new WordmillError('WM_ERR_CHECKSUM', `source file ${f.path} is ${size} bytes on this worker, ${f.size} when the run was planned`, { path: f.path });
  }
  const dir = await mkdtemp(join(tmpdir(), 'wordmill-shard-'));
  const sink = new ShardSink(dir);
  const temp = tmpKey(shard.fingerprint);
  let closed = false;
  try {
    const docs = shard.embedded ? humanNumbersDocs() : readDocuments(shard.files, data.members, {}, ctx);
    await tokenizeInto(docs, { text: data.text }, sink, opts.workers, ctx);
    const header = sink.header(shard.fingerprint);
    const body = encodeShard(header, sink.docs, sink.tokens);
    await opts.storage.put(temp, opts.midWrite ? halfThenPause(body, header.tokens * 2, opts.midWrite) : body);
    sink.close();
    closed = true;
    await opts.storage.rename(temp, shardKey(shard.fingerprint));
    return { shard: shard.index, reused: false, docs: header.docs, tokens: header.tokens, seconds: (performance.now() - started) / 1000, worker };
  } catch (e) {
    await opts.storage.remove(temp).catch(() => undefined);
    throw e;
  } finally {
    if (!closed) sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function* halfThenPause(body: Iterable<Uint8Array>, half: number, pause: () => Promise<void>): AsyncGenerator<Uint8Array> {
  let sent = 0;
  let paused = false;
  for (const c of body) {
    if (!paused && sent + c.length > half) {
      const k = Math.max(0, half - sent);
      yield c.subarray(0, k);
      paused = true;
      await pause();
      yield c.subarray(k);
    } else yield c;
    sent += c.length;
  }
}
