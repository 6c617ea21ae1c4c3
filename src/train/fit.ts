import { WordmillError } from '../errors.js';
import { noDecayOf } from './params.js';
import { Adam, adamDefaults } from './adam.js';
import { Dropout } from './dropout.js';
import { ONE_CYCLE, scheduleAt } from './schedule.js';
import { SmoothLoss } from './step.js';
import { checkpointFile, modelConfigOf, readCheckpoint, writeCheckpoint, type CheckpointHeader } from './checkpoint.js';
import { snapshot, restoreParams, restoreAdam } from './state.js';
import { initialWeights } from './init.js';
import { createTask, type TaskRun } from './tasks/index.js';
import { lrScales, trainableNames } from './groups.js';
import type { Feed } from './feed.js';
import type { ReplicaPool } from './replicas/pool.js';
import type { BackendInfo, FitJob } from './protocol.js';
import type { EpochMetrics, FitResult } from './types.js';

export interface FitEvents {
  step(s: { epoch: number; batch: number; batches: number; loss: number }): void;
  epoch(m: EpochMetrics): void;
}

type Totals = CheckpointHeader['totals'];

/** The training run inside the trainer process, for any task: epochs of steps, validation, checkpoints. */
export async function fitJob(job: FitJob, feed: Feed, backend: BackendInfo, ev: FitEvents, replicas?: ReplicaPool): Promise<Omit<FitResult, 'maxInFlight' | 'window'>> {
  const task = createTask(job, replicas);
  const file = checkpointFile(job.checkpointDir);
  const opt = new Adam(task.params, noDecayOf(task.shapes));
  let pos = { epoch: 0, batch: 0, step: 0, done: false };
  let metrics: EpochMetrics[] = [];
  let totals: Totals = { seconds: 0, tokens: 0, waitSeconds: 0, trainLossSum: 0, trainLossCount: 0 };
  try {
    if (job.resume) {
      // No checkpoint yet (readCheckpoint keeps the fs error as `cause`): start fresh.
      const ck = await readCheckpoint(file).catch((e: Error) => {
        if ((e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
        throw e;
      });
      if (ck) {
        checkCompatible(ck.header, task, job, file);
        restoreParams(task.params, ck.tensors);
        restoreAdam(opt, ck.tensors);
        pos = ck.header.position;
        opt.step = pos.step;
        metrics = ck.header.metrics as EpochMetrics[];
        totals = ck.header.totals;
        const bs = ck.header.train.bs as number | undefined;
        if (bs && pos.batch > 0) task.restoreCarried(ck.tensors, bs);
      }
    }
    if (pos.step === 0) await initialWeights(job, task);
    const save = async (bs: number | undefined, carried: boolean) => {
      const header = {
        version: 1 as const, kind: task.kind, config: { ...task.config, spec: job.model }, layout: task.layout, vocab: job.vocab, position: pos,
        train: { ...job.train, bs, freezeTo: job.freezeTo, lrLow: job.lrLow, moms: job.moms }, seed: job.seed, metrics, totals,
        ...(job.classifier ? { classifier: job.classifier } : {}),
      };
      await writeCheckpoint(file, header, await snapshot(task.params, opt, carried ? task.carried() : undefined));
    };
    const epochs = job.train.epochs;
    const adam = adamDefaults(job.train);
    const trainable = trainableNames(task.groups, job.freezeTo, task.buffers);
    const lrScale = lrScales(task.groups, job.lrLow, job.train.lr);
    const cycle = job.moms ? { ...ONE_CYCLE, moms: job.moms } : ONE_CYCLE;
    let stepsHere = 0;
    let lastCkpt = performance.now();
    let lastStepEvent = 0;
    let lastStepBatch = -1;
    let checkedMemory = false;
    const smooth = new SmoothLoss(totals.trainLossCount > 0 ? totals.trainLossSum : 0, totals.trainLossCount);
    while (pos.epoch < epochs && !pos.done) {
      const e = pos.epoch;
      const nb = job.batchCounts[e];
      const t0 = performance.now();
      const wait0 = feed.waitMs;
      let tokens = 0;
      const stream = feed.open('train', e, pos.batch);
      let bs: number | undefined;
      for (;;) {
        const batch = await stream.next();
        if (!batch) break;
        if (!checkedMemory) { task.checkMemory(backend.backend, batch); checkedMemory = true; }
        bs = batch.bs;
        const h = scheduleAt(job.train.schedule, job.train.lr, adam.beta1, Math.min(1, (e + Math.min(pos.batch / nb, 1)) / epochs), cycle, job.train.warmupPct);
        const drop = new Dropout(true, job.seed, pos.step);
        const loss = await task.train(batch, { opt, hyper: { ...adam, lr: h.lr, beta1: h.beta1 }, clip: job.train.clip, trainable, lrScale }, drop);
        if (!Number.isFinite(loss)) {
          throw new WordmillError('WM_ERR_TRAIN', `training loss became ${loss} at epoch ${e + 1}, batch ${pos.batch + 1} `
            + `(lr ${h.lr.toExponential(2)}): lower train.lr or set train.clip; the last good checkpoint is ${file}`,
          { path: file, epoch: e, batch: pos.batch });
        }
        // fastai's Recorder reports an exponentially smoothed, debiased training loss.
        smooth.add(loss);
        pos.batch++;
        pos.step++;
        stepsHere++;
        tokens += task.tokens(batch);
        const now = performance.now();
        if (now - lastStepEvent > 250) {
          lastStepEvent = now;
          lastStepBatch = pos.batch;
          ev.step({ epoch: e, batch: pos.batch, batches: nb, loss: smooth.value });
        }
        const stopping = job.stopAfterSteps !== undefined && stepsHere >= job.stopAfterSteps;
        if (stopping || (job.checkpointSeconds > 0 && now - lastCkpt > job.checkpointSeconds * 1000)) {
          totals = { ...totals, trainLossSum: smooth.avg, trainLossCount: smooth.n };
          await save(bs, true);
          lastCkpt = performance.now();
        }
        if (stopping) {
          stream.close();
          return result(false);
        }
      }
      // Step events are throttled to one per 250 ms, so the epoch's last batches were never
      // reported and every finished epoch read `46/49 batches`: the last position always goes out.
      if (lastStepBatch !== pos.batch) ev.step({ epoch: e, batch: pos.batch, batches: nb, loss: smooth.value });
      const trainSeconds = (performance.now() - t0) / 1000;
      const trainLoss = smooth.value;
      task.endEpoch();
      const valid = feed.open('valid', 0, 0);
      const v = await task.validate(() => valid.next());
      const seconds = (performance.now() - t0) / 1000;
      const m: EpochMetrics = { epoch: e, trainLoss, ...v, seconds };
      metrics.push(m);
      totals = {
        seconds: totals.seconds + trainSeconds, tokens: totals.tokens + tokens,
        waitSeconds: totals.waitSeconds + (feed.waitMs - wait0) / 1000, trainLossSum: smooth.avg, trainLossCount: smooth.n,
      };
      pos = { epoch: e + 1, batch: 0, step: pos.step, done: e + 1 >= epochs };
      await save(bs, false);
      lastCkpt = performance.now();
      ev.epoch(m);
    }
    return result(true);

    function result(completed: boolean) {
      return {
        epochs: metrics, checkpoint: file, backend: backend.backend, device: backend.device, completed,
        waitFraction: totals.seconds > 0 ? totals.waitSeconds / totals.seconds : 0,
        tokensPerSecond: totals.seconds > 0 ? totals.tokens / totals.seconds : 0,
      };
    }
  } finally {
    task.dispose();
    opt.dispose();
    for (const v of task.params.values()) v.dispose();
  }
}

function checkCompatible(h: CheckpointHeader, task: TaskRun, job: FitJob, file: string): void {
  if (h.kind !== task.kind || JSON.stringify(modelConfigOf(h)) !== JSON.stringify(task.config) || h.vocab.length !== job.vocab.length) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${file} was written for a different task, model or vocabulary; `
      + 'start without resume or use another checkpoint directory', { path: file });
  }
}
