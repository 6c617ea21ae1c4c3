import { createHash, randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue } from 'bullmq';
import { WordmillError, type ErrorCode } from '../errors.js';
import { planPrepare, summarize, type PrepareResult } from '../pipeline/prepare.js';
import type { PipelineSpec } from '../pipeline/spec.js';
import type { StageContext } from '../stage.js';
import { findStore } from '../store/ensure.js';
import type { TokenStore } from '../store/reader.js';
import { decodeFailure, mergeJobId, MERGE_QUEUE, SHARD_QUEUE, shardJobId, type MergeJobData, type MergeJobResult, type ShardJobData, type ShardJobResult } from './jobs.js';
import { DEFAULT_SHARD_BYTES, planShards } from './plan.js';
import { connectRedis, redactUrl } from './redis.js';

export interface SubmitOptions {
  url: string;
  /** The directory every machine mounts: downloads, shard results and the store land here. */
  shared: string;
  prefix?: string;
  shardBytes?: number;
  offline?: boolean;
  /** Give up after this long without an answer from Redis (default 60 s). */
  timeoutMs?: number;
  pollMs?: number;
  /** Attempts per shard for failures worth retrying (a dead worker, a full disk). */
  attempts?: number;
}

export interface ClusterSummary {
  url: string;
  shards: number;
  /** Shards whose result an earlier run had already written. */
  reused: number;
  workers: string[];
  /** Whether this submitter joined a flow another one had started for the same store. */
  joined: boolean;
  /** Seconds per shard job, in shard order, and of the merge job (as the workers measured them). */
  shardSeconds: number[];
  mergeSeconds?: number;
}

// A completed flow is not joined: its store was checked first and is gone (deleted), so it is built again.
const LIVE = new Set(['waiting', 'waiting-children', 'active', 'delayed', 'prioritized']);

/** Races a Redis call against a timer, so a dead connection is noticed instead of waited on. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * `prepare --cluster`: plans the shards, enqueues one BullMQ flow (shard jobs as the children of one
 * merge job) unless one for the same store is already running, shows one progress bar over every
 * worker and returns the store like a local prepare. A store already on the shared directory is
 * returned without touching Redis.
 */
export async function submitPrepare(spec: PipelineSpec, opts: SubmitOptions, ctx: StageContext): Promise<{ result: PrepareResult & { cluster?: ClusterSummary }; store: TokenStore }> {
  const started = performance.now();
  const plan = await planPrepare(spec, opts, ctx);
  const found = await findStore(opts.shared, plan.fingerprint, { log: ctx.progress.log });
  if (found) return { result: summarize(spec, found, plan.fingerprint, true, started), store: found };
  const shards = await planShards(spec, plan.files, opts.shardBytes ?? DEFAULT_SHARD_BYTES);
  const prefix = opts.prefix ?? 'wordmill';
  const url = redactUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const redis = connectRedis(opts.url, ctx.progress.log);
  const mergeQueue = new Queue(MERGE_QUEUE, { connection: redis, prefix });
  const shardQueue = new Queue(SHARD_QUEUE, { connection: redis, prefix });
  // Connection errors surface through the bounded polls below; unhandled, these events would print stacks.
  for (const q of [mergeQueue, shardQueue]) q.on('error', () => undefined);
  try {
    const lost = (why: unknown) => new WordmillError('WM_ERR_CLUSTER', `cannot reach Redis at ${url} (${why instanceof Error ? why.message : String(why)}); gave up after ${Math.round(timeoutMs / 1000)} s`, { url });
    const { mergeId, joined } = await within(enqueue(), timeoutMs).catch((e: unknown) => { throw e instanceof WordmillError ? e : lost(e); });
    ctx.progress.log(`${joined ? 'joined the running' : 'submitted'} flow ${mergeId}: ${shards.length} shards on ${url}`);
    const done = await follow(mergeId);
    const values = await within(done.getChildrenValues<ShardJobResult>(), timeoutMs).catch(() => ({} as Record<string, ShardJobResult>));
    const results = Object.values(values);
    const store = await findStore(opts.shared, plan.fingerprint);
    if (!store) throw new WordmillError('WM_ERR_STORE', `the merge finished but no store ${plan.fingerprint} is in ${opts.shared}: do the workers mount it there (worker --shared)?`, { path: opts.shared });
    const cluster: ClusterSummary = {
      url, shards: shards.length, reused: results.filter((r) => r.reused).length,
      workers: [...new Set(results.map((r) => r.worker))].sort(), joined,
      shardSeconds: [...results].sort((a, b) => a.shard - b.shard).map((r) => Math.round(r.seconds * 1000) / 1000),
      mergeSeconds: (done.returnvalue as MergeJobResult | undefined)?.seconds,
    };
    return { result: { ...summarize(spec, store, plan.fingerprint, false, started), cluster }, store };
  } finally {
    // A close waits for Redis to answer; with Redis gone that is forever, so it gets a second, then
    // the connections (BullMQ's own duplicates included) are cut.
    const queues = [mergeQueue, shardQueue];
    await within(Promise.allSettled(queues.map((q) => q.close())), 1000).catch(() => undefined);
    await within(Promise.allSettled(queues.map((q) => q.disconnect())), 1000).catch(() => undefined);
    redis.disconnect();
  }

  /** Joins a live flow for this store or adds a new one, under a Redis lock so two submitters make one flow. */
  async function enqueue(): Promise<{ mergeId: string; joined: boolean }> {
    // Per store and shared directory: a submitter writing the same store elsewhere must not join this flow.
    const scope = `${plan.fingerprint}:${createHash('sha256').update(opts.shared).digest('hex').slice(0, 12)}`;
    const lockKey = `${prefix}:submit-lock:${scope}`;
    const flowKey = `${prefix}:flow:${scope}`;
    const token = randomBytes(8).toString('hex');
    while ((await redis.set(lockKey, token, 'PX', 30_000, 'NX')) !== 'OK') await new Promise((r) => setTimeout(r, 100));
    try {
      const existing = await redis.get(flowKey);
      if (existing) {
        const job = await mergeQueue.getJob(existing);
        if (job && LIVE.has(await job.getState())) return { mergeId: existing, joined: true };
      }
      const mergeId = mergeJobId(plan.fingerprint, randomBytes(6).toString('hex'));
      const retry = { attempts: opts.attempts ?? 3, backoff: { type: 'exponential', delay: 500 } };
      const members = spec.source.kind === 'files' ? spec.source.members : [];
      const mergeData: MergeJobData = { pipeline: spec.name, store: plan.fingerprint, inputs: plan.inputs, vocab: spec.vocab, shards: shards.map((s) => s.fingerprint), shared: opts.shared };
      const flow = new FlowProducer({ connection: redis, prefix });
      try {
        await flow.add({
          name: 'merge', queueName: MERGE_QUEUE, data: mergeData, opts: { jobId: mergeId, ...retry },
          children: shards.map((shard) => {
            const data: ShardJobData = { store: plan.fingerprint, shard, shardCount: shards.length, text: spec.text, members, shared: opts.shared };
            return { name: 'shard', queueName: SHARD_QUEUE, data, opts: { jobId: shardJobId(mergeId, shard.index), failParentOnFailure: true, ...retry } };
          }),
        });
      } finally {
        await flow.close();
      }
      await redis.set(flowKey, mergeId, 'EX', 7 * 86_400);
      return { mergeId, joined: false };
    } finally {
      // Only our own lock: compare and delete in one step.
      await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lockKey, token);
    }
  }

  /**
   * Polls the merge job until it completes or fails. The bar is one over every worker: bytes of the
   * shards done (the parent's processed children) plus the BullMQ progress of the shards running.
   * Polling rather than QueueEvents: a dead Redis is then noticed by the next bounded call.
   */
  async function follow(mergeId: string): Promise<Job> {
    const total = shards.reduce((n, s) => n + s.bytes, 0);
    const bytesOf = (jobId: string) => shards[Number(jobId.slice(mergeId.length + 2))]?.bytes ?? 0;
    let shown = 0;
    let doneShards = 0;
    const updateBar = async (parent: Job, ms: number) => {
      const deps = await within(parent.getDependencies({ processed: { count: shards.length }, unprocessed: { count: 0 } }), ms);
      const done = Object.keys(deps.processed ?? {}).map((k) => k.slice(k.lastIndexOf(':') + 1));
      let sum = done.reduce((n, id) => n + bytesOf(id), 0);
      const active = await within(shardQueue.getJobs(['active'], 0, 1000), ms);
      for (const j of active) {
        const p = j.progress as { bytes?: number } | undefined;
        if (j.id?.startsWith(`${mergeId}.s`) && typeof p?.bytes === 'number') sum += Math.min(p.bytes, bytesOf(j.id));
      }
      if (sum > shown || done.length > doneShards) ctx.progress.tick('cluster', Math.max(0, sum - shown), { shards: done.length - doneShards });
      shown = Math.max(shown, sum);
      doneShards = done.length;
    };
    ctx.progress.start('cluster', total, 'B');
    let lastContact = Date.now();
    let hinted = false;
    const pollMs = opts.pollMs ?? 250;
    for (let polls = 0; ; polls++) {
      if (ctx.signal.aborted) {
        throw new WordmillError('WM_ERR_ABORTED', `stopped waiting; flow ${mergeId} goes on on the workers (run the same command again to wait for it)`);
      }
      let job: Job | undefined;
      let state: string;
      try {
        const left = () => Math.max(250, Math.min(5000, timeoutMs - (Date.now() - lastContact)));
        job = await within(Job.fromId(mergeQueue, mergeId), left());
        state = job ? await within(job.getState(), left()) : 'missing';
        lastContact = Date.now();
      } catch (e) {
        if (Date.now() - lastContact > timeoutMs) {
          throw new WordmillError('WM_ERR_CLUSTER', `lost Redis at ${url} for ${Math.round(timeoutMs / 1000)} s (${(e as Error).message}); flow ${mergeId} stopped being followed — finished shards are kept, resubmit to continue`, { url });
        }
        await new Promise((r) => setTimeout(r, pollMs));
        continue;
      }
      if (!job || state === 'missing' || state === 'unknown') {
        throw new WordmillError('WM_ERR_CLUSTER', `flow ${mergeId} is gone from Redis at ${url} (was Redis restarted without persistence?); finished shards are kept on the shared directory, resubmit to continue`, { url });
      }
      if (state === 'completed') {
        ctx.progress.done('cluster', `${shards.length} shards merged into store ${plan.fingerprint}`);
        return job;
      }
      if (state === 'failed') {
        // The job was read before its state: under load it can be a snapshot from before the failure,
        // without failedReason. Read it again now that the state says failed.
        const fresh = await within(Job.fromId(mergeQueue, mergeId), 5000).catch(() => undefined);
        throw await flowFailure(fresh ?? job);
      }
      if (polls % 4 === 0) await updateBar(job, 2000).catch(() => undefined);
      if (!hinted && polls * pollMs > 5000 && shown === 0) {
        const count = await within(shardQueue.getWorkersCount(), 2000).catch(() => -1);
        if (count === 0) ctx.progress.log(`no worker is connected to ${url} yet: start one with \`wordmill worker --cluster ${url}\``);
        hinted = true;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** The failure that failed the flow, as the WordmillError the failing shard (or the merge) raised. */
  async function flowFailure(parent: Job): Promise<WordmillError> {
    let reason = parent.failedReason ?? 'unknown reason';
    const child = /child (\S+) failed/.exec(reason);
    let where = 'the cluster flow';
    if (child) {
      const id = child[1].slice(child[1].lastIndexOf(':') + 1);
      where = `shard ${Number(id.slice(id.lastIndexOf('.s') + 2)) + 1} of ${shards.length}`;
      const job = await within(Job.fromId(shardQueue, id), 5000).catch(() => undefined);
      if (job?.failedReason) reason = job.failedReason;
    }
    const f = decodeFailure(reason);
    // Not one of ours: BullMQ's own (a shard stalled more often than maxStalledCount: its workers kept dying).
    return f ? new WordmillError(f.code as ErrorCode, f.message) : new WordmillError('WM_ERR_CLUSTER', `${where} failed: ${reason}`);
  }
}
