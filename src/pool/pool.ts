import os from 'node:os';
import { Piscina } from 'piscina';
import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import type { TextSpec } from '../pipeline/spec.js';
import type { StageContext } from '../stage.js';
import type { Doc } from '../types.js';
import { resolveTextSpec } from '../text/resolve.js';
import { ChunkBuilder, nameDocs, type DocHeader } from './chunks.js';
import { PoolDictionary } from './dictionary.js';
import { recut } from './pieces.js';
import type { ChunkResult, ChunkTask } from './protocol.js';
import { threadsStarted } from './started.js';

/**
 * One tokenized chunk, in corpus order: `ids` index into `tokens` (the pool's token list, shared by
 * every chunk of the run and numbered by first appearance), `lengths` are tokens per document.
 */
export interface TokenChunk {
  docs: DocHeader[];
  tokens: readonly string[];
  ids: Uint32Array;
  lengths: Uint32Array;
  chars: number;
}

export interface PoolOptions {
  text: TextSpec;
  /** Worker threads (default: available parallelism). */
  workers?: number;
  /** Characters of text per chunk: big enough to amortize a round trip, small enough to keep memory flat. */
  chunkChars?: number;
  /** Chunks in flight per thread: two keeps every thread busy while the main thread consumes. */
  inFlightPerThread?: number;
  /** A document longer than this (chars) is tokenized in pieces cut where its tokens cannot change (recut). */
  pieceChars?: number;
  /** Heap cap per worker in MB (a runaway document then kills one worker, not the process). */
  maxWorkerHeapMB?: number;
  /** The worker module; tests substitute a faulty one. */
  workerFile?: string | URL;
}

/** Tokenizer worker threads: the pool's rule, which `--workers` is checked by too. */
export const workerThreads = z.int().min(1).max(256);

const schema = z.strictObject({
  text: z.unknown().optional(),
  workers: workerThreads.optional(),
  chunkChars: z.int().min(1).default(256 * 1024),
  inFlightPerThread: z.int().min(1).max(64).default(2),
  pieceChars: z.int().min(1024).default(1 << 20),
  maxWorkerHeapMB: z.number().min(16).default(4096),
  workerFile: z.unknown().optional(),
});

const DEFAULT_WORKER = new URL('../../workers/tokenize.js', import.meta.url);

interface Pending {
  docs: DocHeader[];
  chars: number;
  settled: Promise<{ result?: ChunkResult; error?: unknown }>;
  failed?: WordmillError;
}

/**
 * The tokenize stage (DESIGN §4): documents in, tokenized chunks out, in submission order, with at
 * most `workers × inFlightPerThread` chunks in flight. A worker that throws fails the run with
 * WM_ERR_TOKENIZE naming the document; one that dies fails it with WM_ERR_WORKER naming the chunk's
 * documents. The pool is destroyed however the stage ends (done, error, or the consumer stopping).
 */
export async function* tokenizeDocs(source: AsyncIterable<Doc>, options: PoolOptions, ctx: StageContext): AsyncGenerator<TokenChunk> {
  const opts = validateOptions('tokenize', schema, options);
  // Checked once here, defaults filled in: the workers build their processors from it as it is.
  const text = resolveTextSpec(options.text);
  const threads = opts.workers ?? os.availableParallelism();
  const maxInFlight = threads * opts.inFlightPerThread;
  const abort = new AbortController();
  const onAbort = () => abort.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const pool = new Piscina<ChunkTask, ChunkResult>({
    filename: String(opts.workerFile ?? DEFAULT_WORKER),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: opts.maxWorkerHeapMB },
  });
  const started = threadsStarted(pool);
  // piscina emits 'error' for a reply whose task it no longer tracks (a thread answering while the
  // pool is destroyed); unhandled, that event would crash the process.
  let closing = false;
  let poolError: unknown;
  pool.on('error', (e: unknown) => {
    if (!closing) poolError = e;
  });
  const queue: Pending[] = [];
  const dictionary = new PoolDictionary();
  const builder = new ChunkBuilder(opts.chunkChars, 10_000);

  const submit = () => {
    const { headers, texts, pieces, chars } = builder.take();
    const task: ChunkTask = { spec: text, ids: headers.map((h) => h.id), texts };
    if (pieces) task.pieces = pieces;
    const pending: Pending = {
      docs: headers,
      chars,
      settled: pool.run(task, { signal: abort.signal }).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
    };
    void pending.settled.then(({ result, error }) => {
      // Fail fast: a dead worker is reported as soon as it dies, not when its chunk reaches the head.
      if (error !== undefined && !closing && !abort.signal.aborted) pending.failed = workerDied(error, headers);
      // Replies of one worker settle in the order it worked, which is when its new tokens must be recorded.
      if (result?.ok) {
        try {
          dictionary.register(result.worker, result.base, result.fresh);
        } catch (e) {
          pending.failed = e as WordmillError;
        }
      }
    });
    queue.push(pending);
  };

  const take = async (): Promise<TokenChunk> => {
    const early = queue.find((p) => p.failed);
    if (early?.failed) throw early.failed;
    if (poolError !== undefined) throw workerDied(poolError, queue[0]?.docs ?? []);
    const head = queue.shift()!;
    const { result, error } = await head.settled;
    if (error !== undefined) throw abort.signal.aborted ? aborted(ctx) : workerDied(error, head.docs);
    if (!result!.ok) {
      throw WordmillError.fromJSON(result!.error, 'WM_ERR_TOKENIZE');
    }
    const { worker, ids, lengths } = result!;
    dictionary.merge(worker, ids);
    ctx.progress.tick('tokenize', head.chars, { docs: head.docs.length, tokens: ids.length });
    return { docs: head.docs, tokens: dictionary.tokens, ids, lengths, chars: head.chars };
  };

  try {
    for await (const doc of recut(source, options.text, opts.pieceChars)) {
      if (ctx.signal.aborted) throw aborted(ctx);
      builder.add(doc);
      if (!builder.full) continue;
      submit();
      while (queue.length >= maxInFlight) yield await take();
    }
    if (!builder.empty) submit();
    while (queue.length) yield await take();
  } finally {
    closing = true;
    ctx.signal.removeEventListener('abort', onAbort);
    // destroy() terminates the threads and rejects what is still queued; aborting running tasks
    // instead races with replies already posted (piscina then throws "Unexpected message from Worker").
    await started();
    await pool.destroy();
    await Promise.allSettled(queue.map((p) => p.settled));
  }
}

function aborted(ctx: StageContext): WordmillError {
  return new WordmillError('WM_ERR_ABORTED', `tokenizing was interrupted${ctx.signal.reason ? `: ${String(ctx.signal.reason)}` : ''}`);
}

function workerDied(error: unknown, docs: DocHeader[]): WordmillError {
  const why = error instanceof Error ? error.message : String(error);
  return new WordmillError('WM_ERR_WORKER', `a tokenizer worker died on ${nameDocs(docs)}: ${why}`, {
    docIds: docs.map((d) => d.id),
  }, { cause: error });
}
