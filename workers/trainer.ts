/**
 * The trainer process (DESIGN §8): owns the tfjs backend, pulls batches from the parent over IPC
 * with credit-based flow control, and reports steps, epochs and results. Started by
 * src/train/client.ts with `child_process.fork` and `serialization: 'advanced'`.
 */
import { availableParallelism } from 'node:os';
import { WordmillError } from '../src/errors.js';
import { selectBackend } from '../src/train/backend.js';
import { Feed } from '../src/train/feed.js';
import { fitJob } from '../src/train/fit.js';
import { lrFindJob } from '../src/train/lrfind.js';
import { generateJob } from '../src/train/generate.js';
import { predictJob } from '../src/train/predict.js';
import { threadsTextSchema, type BackendChoice, type BackendInfo, type ToChild, type ToParent } from '../src/train/protocol.js';
import { taskInfo } from '../src/train/task.js';
import { check } from '../src/schema/index.js';
import { replicaCount, replicasNeedWasm } from '../src/train/replicas/choose.js';
import { ReplicaPool } from '../src/train/replicas/pool.js';

const send = (m: ToParent): void => { process.send?.(m); };

// The parent going away (crash, kill) closes the IPC channel: never outlive it.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

async function main(): Promise<void> {
  const choice = (process.env.WORDMILL_BACKEND ?? 'auto') as BackendChoice;
  let info: BackendInfo;
  let count: number;
  try {
    const threads = process.env.WORDMILL_THREADS === undefined || process.env.WORDMILL_THREADS === 'auto'
      ? availableParallelism() : Number(process.env.WORDMILL_THREADS);
    count = replicaCount(check(threadsTextSchema, process.env.WORDMILL_REPLICAS || '1', 'environment variable WORDMILL_REPLICAS', 'WM_ERR_OPTION', ': '), threads);
    // With replicas each thread is one of them: this thread's backend is single-threaded too.
    info = await selectBackend(choice, (line) => send({ type: 'log', line }), count > 1 ? 1 : threads);
    if (count > 1) replicasNeedWasm(count, info.backend);
  } catch (e) {
    send({ type: 'error', id: 0, error: WordmillError.from(e, 'WM_ERR_TRAIN', 'trainer failed').toJSON() });
    return;
  }
  const feed = new Feed(send);
  // Started at the first language-model job and kept for the next (a classifier job never needs them).
  let pool: Promise<ReplicaPool> | undefined;
  const replicas = async (): Promise<ReplicaPool | undefined> => {
    if (count < 2) return undefined;
    pool ??= ReplicaPool.start(count).then((p) => { send({ type: 'log', line: `trainer: data-parallel on ${p.device}` }); return p; });
    return pool.catch((e: unknown) => { pool = undefined; throw e; });
  };
  let busy = Promise.resolve();
  process.on('message', (m: ToChild) => {
    if (m.type === 'batch' || m.type === 'end' || m.type === 'fail') { feed.deliver(m); return; }
    // One job at a time: the backend and the feed are shared.
    busy = busy.then(() => run(m)).catch(() => {});
  });
  send({ type: 'ready', backend: info.backend, device: info.device });

  async function run(m: ToChild): Promise<void> {
    if (m.type !== 'fit' && m.type !== 'lrfind' && m.type !== 'generate' && m.type !== 'predict') return;
    try {
      let result;
      if (m.type === 'fit') {
        const r = taskInfo(m.job.task).checkpoint === 'lm' ? await replicas() : undefined;
        result = await fitJob(m.job, feed, r ? { ...info, device: r.device } : info, {
          step: (s) => send({ type: 'step', id: m.id, ...s }),
          epoch: (metrics) => send({ type: 'epoch', id: m.id, metrics }),
        }, r);
      } else if (m.type === 'lrfind') {
        result = await lrFindJob(m.job, feed, info.backend, (s) => send({ type: 'step', id: m.id, epoch: 0, batch: s.batch, batches: s.batches, loss: s.loss }), await replicas());
      } else if (m.type === 'predict') {
        result = await predictJob(m.job, feed);
      } else {
        result = await generateJob(m.job);
      }
      send({ type: 'done', id: m.id, result });
    } catch (e) {
      send({ type: 'error', id: m.id, error: WordmillError.from(e, 'WM_ERR_TRAIN', 'trainer failed').toJSON() });
    }
  }
}

void main();
