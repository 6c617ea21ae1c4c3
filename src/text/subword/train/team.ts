import { Worker } from 'node:worker_threads';
import { WordmillError } from '../../../errors.js';
import type { ChunkExpected, PruneReply, Reply, Request, ShardInit } from './protocol.js';
import { Shard, type LivePieces } from './shard.js';
import type { WordCounts } from './sentences.js';

/**
 * Words per chunk are cut by characters: chunks are the unit of summation (in chunk order, so the
 * sums do not depend on the thread count) and of balance between threads. 16 K characters makes
 * ~30 chunks of Brown: within 4 % of an even split over 2 threads, while the sparse per-chunk
 * counts they send back stay small next to the work.
 */
export const CHUNK_CHARS = 16_384;

const DEFAULT_WORKER = new URL('../../../../workers/subword-train.js', import.meta.url);

/** The E-step and pruning passes over every word, run by `threads` shards: this thread's and `threads - 1` workers'. */
export interface Team {
  /** Expected count of each live piece, and Σ count × log Z. */
  expected(live: LivePieces): Promise<{ expected: Float64Array; objective: number }>;
  prune(live: LivePieces): Promise<PruneReply[]>;
  close(): Promise<void>;
}

export interface TeamOptions {
  threads: number;
  maxLength: number;
  /** The worker module; tests substitute a faulty one. */
  workerFile?: string | URL;
  chunkChars?: number;
}

/** Splits the words into chunks, deals them (and the seed pieces to prune for) over the threads, and builds every shard. */
export async function startTeam(wc: WordCounts, seeds: string[], o: TeamOptions): Promise<Team> {
  const inits: ShardInit[] = Array.from({ length: o.threads }, (_, t) => ({ seeds, maxLength: o.maxLength, chunks: [], pieceMod: o.threads, pieceRem: t }));
  let nChunks = 0;
  for (let start = 0; start < wc.words.length;) {
    let end = start;
    for (let chars = 0; end < wc.words.length && chars < (o.chunkChars ?? CHUNK_CHARS); end++) chars += wc.words[end].length;
    inits[nChunks % o.threads].chunks.push({ index: nChunks, words: wc.words.slice(start, end), counts: wc.counts.slice(start, end) });
    nChunks++;
    start = end;
  }
  // Shard 0 runs on this thread, between sending the workers their requests and awaiting them:
  // one worker fewer to start and feed, and this thread would otherwise only wait.
  const workers = inits.slice(1).map(() => new ShardWorker(o.workerFile ?? DEFAULT_WORKER));
  const close = async (): Promise<void> => { await Promise.all(workers.map((w) => w.close())); };
  const all = async <T>(req: Request, here: () => T): Promise<[T, Array<Reply & { ok: true }>]> => {
    const asked = Promise.all(workers.map((w) => w.ask(req)));
    // Rejections are awaited below; a failure here must not leave them unhandled meanwhile.
    asked.catch(() => {});
    const mine = here();
    return [mine, await asked];
  };
  let shard: Shard;
  try {
    const asked = Promise.all(workers.map((w, t) => w.ask({ op: 'init', init: inits[t + 1] })));
    asked.catch(() => {});
    shard = new Shard(inits[0]);
    await asked;
  } catch (e) {
    await close();
    throw e;
  }
  return {
    expected: async (live) => {
      const [mine, theirs] = await all({ op: 'expected', ...live }, () => shard.expected(live));
      return fold([...mine, ...theirs.flatMap((r) => r.chunks ?? [])], live.seeds.length);
    },
    prune: async (live) => {
      const [mine, theirs] = await all({ op: 'prune', ...live }, () => shard.prune(live));
      return [mine, ...theirs.map((r) => r.prune!)];
    },
    close,
  };
}

/** Chunk counts added in chunk order: the same sums for any number of threads. */
function fold(chunks: ChunkExpected[], size: number): { expected: Float64Array; objective: number } {
  chunks.sort((a, b) => a.index - b.index);
  const expected = new Float64Array(size);
  let objective = 0;
  for (const c of chunks) {
    for (let k = 0; k < c.ids.length; k++) expected[c.ids[k]] += c.values[k];
    objective += c.objective;
  }
  return { expected, objective };
}

/** One worker thread and its replies, in request order; a crash or early exit fails what is pending. */
class ShardWorker {
  private readonly worker: Worker;
  private readonly pending: Array<{ resolve: (r: Reply & { ok: true }) => void; reject: (e: Error) => void }> = [];
  private failure?: WordmillError;

  constructor(file: string | URL) {
    this.worker = new Worker(file);
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.shift();
      if (!p) return;
      if (r.ok) p.resolve(r);
      else p.reject(WordmillError.fromJSON(r.error, 'WM_ERR_TRAIN'));
    });
    this.worker.on('error', (e) => this.fail(WordmillError.from(e, 'WM_ERR_WORKER', 'subword trainer worker died')));
    this.worker.on('exit', (code) => this.fail(new WordmillError('WM_ERR_WORKER', `subword trainer worker exited (code ${code}) with a request pending`)));
  }

  ask(req: Request): Promise<Reply & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(req);
    });
  }

  private fail(e: WordmillError): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  async close(): Promise<void> {
    this.failure ??= new WordmillError('WM_ERR_WORKER', 'subword trainer worker closed');
    await this.worker.terminate();
  }
}
