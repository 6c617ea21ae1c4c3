import { hostname } from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { isWordmillError, WordmillError, type ErrorCode } from '../errors.js';
import { silentProgress, type Progress, type StageContext } from '../stage.js';
import { encodeFailure, MERGE_QUEUE, SHARD_QUEUE, type MergeJobData, type MergeJobResult, type ShardJobData, type ShardJobResult } from './jobs.js';
import { mergeShards } from './merge.js';
import { connectRedis } from './redis.js';
import { runShard } from './shard.js';
import { DirStorage } from './storage.js';

/** Failures that another attempt cannot fix: the flow fails at once instead of retrying them. */
const UNFIXABLE = new Set<ErrorCode>([
  'WM_ERR_ARCHIVE_CORRUPT', 'WM_ERR_ARCHIVE_ENTRY', 'WM_ERR_ARCHIVE_LIMIT', 'WM_ERR_TOKENIZE', 'WM_ERR_SPEC',
  'WM_ERR_OPTION', 'WM_ERR_CHECKSUM', 'WM_ERR_INPUT', 'WM_ERR_VOCAB',
]);

export interface WorkerOptions {
  url: string;
  prefix?: string;
  /** Tokenizer threads per shard (this process's pool). */
  threads?: number;
  /** Overrides the shared directory named in the jobs (a machine that mounts it elsewhere). */
  shared?: string;
  /** BullMQ lock: a shard whose worker stops renewing it for this long is stalled (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  log?: (line: string) => void;
}

export interface ClusterWorker {
  /** Resolves when both queues' workers have stopped (after `close`, or a fatal error). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** A job's failure as BullMQ records it: the code first, unfixable ones marked so BullMQ does not retry. */
function failure(e: unknown, where: string): Error {
  const code: ErrorCode = isWordmillError(e) ? e.code : 'WM_ERR_WORKER';
  const reason = encodeFailure(code, `${where}: ${e instanceof Error ? e.message : String(e)}`);
  return UNFIXABLE.has(code) ? new UnrecoverableError(reason) : new Error(reason);
}

function describeShard(d: ShardJobData): string {
  const files = d.shard.embedded ? 'the embedded corpus' : d.shard.files.map((f) =>
    f.bytes ? `${f.name} bytes ${f.bytes.start}-${f.bytes.end}` : f.members ? `${f.name} members ${f.members.from}-${f.members.to - 1}` : f.name);
  const shown = Array.isArray(files) ? (files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ')) : files;
  return `shard ${d.shard.index + 1} of ${d.shardCount} (${shown})`;
}

/** Byte progress of the shard's read stage, sent to BullMQ at most every 250 ms. */
function jobProgress(job: Job, total: number): Progress {
  let bytes = 0;
  let last = 0;
  return {
    ...silentProgress,
    tick(task, n) {
      if (task !== 'extract') return;
      bytes += n;
      if (Date.now() - last < 250) return;
      last = Date.now();
      void job.updateProgress({ bytes: Math.min(bytes, total), total }).catch(() => undefined);
    },
  };
}

/**
 * `wordmill worker`: one BullMQ worker on the shard queue and one on the merge queue, one job at a
 * time each (a shard already uses every pool thread). The lock is renewed while a shard runs; if this
 * process dies, another worker's stalled-job check puts the shard back in the queue.
 */
export function startWorker(opts: WorkerOptions): ClusterWorker {
  const log = opts.log ?? (() => {});
  const me = `${hostname()}:${process.pid}`;
  const prefix = opts.prefix ?? 'wordmill';
  const abort = new AbortController();
  const connection = connectRedis(opts.url, log);
  const mergeQueue = new Queue(MERGE_QUEUE, { connection, prefix });
  const common = {
    connection,
    prefix,
    concurrency: 1,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  };
  const ctxFor = (job: Job, total: number): StageContext => ({ signal: abort.signal, progress: jobProgress(job, total) });
  const shards = new Worker<ShardJobData, ShardJobResult>(SHARD_QUEUE, async (job) => {
    const d = job.data;
    const where = describeShard(d);
    // A flow that already failed (another shard's unfixable error) needs no more work.
    const parentId = job.parent?.id;
    if (parentId && (await mergeQueue.getJob(parentId).then((p) => p?.getState()).catch(() => undefined)) === 'failed') {
      throw new UnrecoverableError(encodeFailure('WM_ERR_ABORTED', `${where}: skipped, the flow has already failed`));
    }
    log(`${me}: ${where}: started (attempt ${job.attemptsMade + 1})`);
    // Fault injection for the cluster tests: `<shard index>[:<ms>]` pauses half way through writing
    // that shard's result, forever (to be killed there) or for <ms>.
    const [pauseAt, pauseMs] = (process.env.WORDMILL_TEST_PAUSE_SHARD_WRITE ?? '').split(':');
    const midWrite = pauseAt !== '' && Number(pauseAt) === d.shard.index ? async () => {
      log(`${me}: ${where}: paused mid-write (test hook)`);
      await new Promise((r) => { if (pauseMs) setTimeout(r, Number(pauseMs)); });
    } : undefined;
    try {
      const storage = new DirStorage(opts.shared ?? d.shared);
      const r = await runShard(d, { storage, workers: opts.threads, midWrite }, ctxFor(job, d.shard.bytes));
      log(`${me}: ${where}: ${r.reused ? 'reused the result of an earlier run' : `done in ${r.seconds.toFixed(2)} s, ${r.docs} docs, ${r.tokens} tokens`}`);
      return r;
    } catch (e) {
      log(`${me}: ${where}: failed: ${e instanceof Error ? e.message : String(e)}`);
      throw failure(e, where);
    }
  }, common);
  const merges = new Worker<MergeJobData, MergeJobResult>(MERGE_QUEUE, async (job) => {
    const d = job.data;
    const started = performance.now();
    log(`${me}: merge of ${d.shards.length} shards for store ${d.store}: started`);
    try {
      const root = opts.shared ?? d.shared;
      const { store, cached } = await mergeShards(d, new DirStorage(root), root, { signal: abort.signal, progress: silentProgress });
      const r = { store: store.dir, cached, seconds: (performance.now() - started) / 1000, worker: me };
      log(`${me}: merge done in ${r.seconds.toFixed(2)} s: ${store.dir}`);
      return r;
    } catch (e) {
      log(`${me}: merge failed: ${e instanceof Error ? e.message : String(e)}`);
      throw failure(e, `merging ${d.shards.length} shards into store ${d.store}`);
    }
  }, common);
  for (const w of [shards, merges]) w.on('error', (e) => log(`${me}: ${e.message}`));
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      abort.abort(new WordmillError('WM_ERR_ABORTED', 'the worker is shutting down'));
      await Promise.allSettled([shards.close(), merges.close(), mergeQueue.close()]);
      connection.disconnect();
    })();
    return closing;
  };
  let done!: () => void;
  const closed = new Promise<void>((r) => { done = r; });
  void Promise.all([shards.waitUntilReady(), merges.waitUntilReady()]).then(() => log(`${me}: waiting for jobs on ${prefix}:${SHARD_QUEUE} and ${prefix}:${MERGE_QUEUE}`), () => undefined);
  return { closed, close: () => close().then(done) };
}
