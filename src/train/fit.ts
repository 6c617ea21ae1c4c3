import { WordmillError } from '../errors.js';
import { resolveModel, type ModelConfig } from './config.js';
import { initParams, noDecay, disposeParams, type Params } from './params.js';
import { Adam, adamDefaults } from './adam.js';
import { Dropout, disposeState, ensureState, type State } from './model.js';
import { scheduleAt } from './schedule.js';
import { trainStep, evalStep, SmoothLoss } from './step.js';
import { checkpointFile, modelConfigOf, readCheckpoint, writeCheckpoint, type CheckpointHeader } from './checkpoint.js';
import { snapshot, restoreParams, restoreAdam, restoreState } from './state.js';
import { checkMemory } from './memory.js';
import { loadEncoder } from './encoder.js';
import type { Feed } from './feed.js';
import type { BackendInfo, FitJob } from './protocol.js';
import type { EpochMetrics, FitResult } from './types.js';

export interface FitEvents {
  step(s: { epoch: number; batch: number; batches: number; loss: number }): void;
  epoch(m: EpochMetrics): void;
}

type Totals = CheckpointHeader['totals'];

/** The training run inside the trainer process: epochs of steps, validation, checkpoints. */
export async function fitJob(job: FitJob, feed: Feed, backend: BackendInfo, ev: FitEvents): Promise<Omit<FitResult, 'maxInFlight' | 'window'>> {
  const c = resolveModel(job.model, job.vocab.length);
  const file = checkpointFile(job.checkpointDir);
  const params = initParams(c, job.seed);
  const opt = new Adam(params, noDecay(c));
  let pos = { epoch: 0, batch: 0, step: 0, done: false };
  let metrics: EpochMetrics[] = [];
  let totals: Totals = { seconds: 0, tokens: 0, waitSeconds: 0, trainLossSum: 0, trainLossCount: 0 };
  let state: State | undefined;
  try {
    if (job.resume) {
      // No checkpoint yet (readCheckpoint keeps the fs error as `cause`): start fresh.
      const ck = await readCheckpoint(file).catch((e: Error) => {
        if ((e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
        throw e;
      });
      if (ck) {
        checkCompatible(ck.header, c, job, file);
        restoreParams(params, ck.tensors);
        restoreAdam(opt, ck.tensors);
        pos = ck.header.position;
        opt.step = pos.step;
        metrics = ck.header.metrics as EpochMetrics[];
        totals = ck.header.totals;
        const bs = ck.header.train.bs as number | undefined;
        if (bs && pos.batch > 0) state = restoreState(ck.tensors, c, bs);
      }
    }
    if (job.encoder && pos.step === 0) {
      const enc = await loadEncoder(job.encoder, job.vocab);
      for (const [k, v] of params) {
        const data = enc.tensors.get(`param/${k}`);
        if (!data) continue;
        if (data.length !== v.size) {
          throw new WordmillError('WM_ERR_CHECKPOINT', `encoder ${job.encoder}: ${k} has ${data.length} values, the model needs ${v.size} (different emb/hidden/layers?)`, { path: job.encoder });
        }
      }
      restoreParams(params, enc.tensors);
    }
    const save = async (s: State | undefined, bs: number | undefined) => {
      const header = {
        version: 1 as const, kind: 'lm' as const, config: { ...c, spec: job.model }, vocab: job.vocab, position: pos,
        train: { ...job.train, bs }, seed: job.seed, metrics, totals,
      };
      await writeCheckpoint(file, header, snapshot(params, opt, s));
    };
    const epochs = job.train.epochs;
    const adam = adamDefaults(job.train);
    let stepsHere = 0;
    let lastCkpt = performance.now();
    let lastStepEvent = 0;
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
        if (!checkedMemory) { checkMemory(backend.backend, c, batch.bs, batch.seqLen); checkedMemory = true; }
        state = ensureState(c, state, batch.bs);
        bs = batch.bs;
        const h = scheduleAt(job.train.schedule, job.train.lr, adam.beta1, Math.min(1, (e + Math.min(pos.batch / nb, 1)) / epochs));
        const drop = new Dropout(true, job.seed, pos.step);
        const r = trainStep(c, params, opt, batch, state, { ...adam, lr: h.lr, beta1: h.beta1 }, job.train.clip, drop);
        disposeState(state);
        state = r.state;
        if (!Number.isFinite(r.loss)) {
          throw new WordmillError('WM_ERR_TRAIN', `training loss became ${r.loss} at epoch ${e + 1}, batch ${pos.batch + 1} `
            + `(lr ${h.lr.toExponential(2)}): lower train.lr or set train.clip; the last good checkpoint is ${file}`,
          { path: file, epoch: e, batch: pos.batch });
        }
        // fastai's Recorder reports an exponentially smoothed, debiased training loss.
        smooth.add(r.loss);
        pos.batch++;
        pos.step++;
        stepsHere++;
        tokens += batch.bs * batch.seqLen;
        const now = performance.now();
        if (now - lastStepEvent > 250) {
          lastStepEvent = now;
          ev.step({ epoch: e, batch: pos.batch, batches: nb, loss: smooth.value });
        }
        const stopping = job.stopAfterSteps !== undefined && stepsHere >= job.stopAfterSteps;
        if (stopping || (job.checkpointSeconds > 0 && now - lastCkpt > job.checkpointSeconds * 1000)) {
          totals = { ...totals, trainLossSum: smooth.avg, trainLossCount: smooth.n };
          await save(state, bs);
          lastCkpt = performance.now();
        }
        if (stopping) {
          stream.close();
          return result(false);
        }
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const trainLoss = smooth.value;
      if (state) { disposeState(state); state = undefined; }
      const v = await validate(c, params, feed);
      const seconds = (performance.now() - t0) / 1000;
      const m: EpochMetrics = { epoch: e, trainLoss, validLoss: v.loss, accuracy: v.accuracy, perplexity: Math.exp(v.loss), seconds };
      metrics.push(m);
      totals = {
        seconds: totals.seconds + trainSeconds, tokens: totals.tokens + tokens,
        waitSeconds: totals.waitSeconds + (feed.waitMs - wait0) / 1000, trainLossSum: smooth.avg, trainLossCount: smooth.n,
      };
      pos = { epoch: e + 1, batch: 0, step: pos.step, done: e + 1 >= epochs };
      await save(undefined, bs);
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
    if (state) disposeState(state);
    opt.dispose();
    disposeParams(params);
  }
}

async function validate(c: ModelConfig, p: Params, feed: Feed): Promise<{ loss: number; accuracy: number }> {
  const stream = feed.open('valid', 0, 0);
  let state: State | undefined;
  let lossSum = 0, right = 0, tokens = 0;
  for (;;) {
    const b = await stream.next();
    if (!b) break;
    state = ensureState(c, state, b.bs);
    const r = evalStep(c, p, b, state);
    disposeState(state);
    state = r.state;
    lossSum += r.lossSum; right += r.correct; tokens += r.tokens;
  }
  if (state) disposeState(state);
  return tokens === 0 ? { loss: NaN, accuracy: NaN } : { loss: lossSum / tokens, accuracy: right / tokens };
}

function checkCompatible(h: CheckpointHeader, c: ModelConfig, job: FitJob, file: string): void {
  if (JSON.stringify(modelConfigOf(h)) !== JSON.stringify(c) || h.vocab.length !== job.vocab.length) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${file} was written for a different model or vocabulary; `
      + 'start without resume or use another checkpoint directory', { path: file });
  }
}
