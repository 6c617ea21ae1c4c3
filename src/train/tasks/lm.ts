import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { Batch, LMBatch } from '../../types.js';
import type { ModelConfig } from '../config.js';
import { decode, Dropout, ensureState, disposeState, forward, timeMajor, type State } from '../model.js';
import { modelDef } from '../models/index.js';
import { initParams, paramShapes, type Params } from '../params.js';
import { correct, crossEntropy } from '../loss.js';
import { optimize, type StepSettings } from '../step.js';
import { planStep, type StepPlan } from '../memory.js';
import { restoreState } from '../state.js';
import type { TaskRun, ValidMetrics } from './types.js';

/**
 * One language-model step: next-token loss plus fastai's RNNRegularizer (AR on the dropped output,
 * TAR on the raw output's time differences). The returned state is kept (outside any tidy) and
 * detached by construction: it enters the next step as a plain input. The caller disposes the old one.
 * `plan` (memory.ts) may split the batch into micro-batches of rows, each weighted by its share of
 * the batch and with its rows of the batch's dropout masks, and chunk the output layer.
 */
export async function trainStep(c: ModelConfig, p: Params, s: StepSettings, batch: LMBatch, state: State, drop: Dropout, plan?: StepPlan): Promise<{ loss: number; state: State }> {
  const { bs, seqLen: seq } = batch;
  const micro = Math.max(1, Math.min(bs, plan?.microBs ?? bs));
  const parts = Math.ceil(bs / micro);
  const m = modelDef(c.arch);
  const nexts: State[] = [];
  const loss = await optimize(p, s, (k) => {
    const r0 = k * micro;
    const r = Math.min(micro, bs - r0);
    const whole = parts === 1;
    const ids = timeMajor(whole ? batch.x : batch.x.subarray(r0 * seq, (r0 + r) * seq), r, seq);
    const tgt = timeMajor(whole ? batch.y : batch.y.subarray(r0 * seq, (r0 + r) * seq), r, seq);
    const st = whole ? state : state.map((l) => l.map((t) => tf.slice(t, [r0, 0], [r, -1])));
    const f = forward(c, p, ids, seq, r, st, whole ? drop : drop.part({ start: r0, count: r, total: bs }));
    const ce = m.lmLoss(c, p, f.out, tgt, plan?.chunkRows);
    let total: tf.Scalar = ce;
    if (c.alpha > 0) total = tf.add(total, tf.mul(tf.mean(tf.square(f.out)), c.alpha));
    if (c.beta > 0 && seq > 1) {
      const d = tf.sub(tf.slice(f.raw, [1, 0, 0], [seq - 1, -1, -1]), tf.slice(f.raw, [0, 0, 0], [seq - 1, -1, -1]));
      total = tf.add(total, tf.mul(tf.mean(tf.square(d)), c.beta));
    }
    nexts.push(f.state.map((l) => l.map((t) => tf.keep(t))));
    // Every term is a mean over this part's rows: weighted by r / bs, the parts sum to the batch's mean.
    return whole ? { total, loss: ce } : { total: tf.mul(total, r / bs), loss: tf.mul(ce, r / bs) };
  }, parts);
  if (parts === 1) return { loss, state: nexts[0] };
  const next = nexts[0].map((l, i) => l.map((_, j) => tf.concat(nexts.map((n) => n[i][j]), 0) as tf.Tensor2D));
  nexts.forEach(disposeState);
  return { loss, state: next };
}

/** Forward only (no dropout): summed loss over tokens, correct predictions, and the new state. */
export async function evalStep(c: ModelConfig, p: Params, batch: LMBatch, state: State): Promise<{ lossSum: number; correct: number; tokens: number; state: State }> {
  const { bs, seqLen: seq } = batch;
  const ids = timeMajor(batch.x, bs, seq);
  const tgt = timeMajor(batch.y, bs, seq);
  let next: State = [];
  const [l, k] = tf.tidy(() => {
    const f = forward(c, p, ids, seq, bs, state, new Dropout(false, 0, 0));
    const logits = decode(c, p, f.out);
    next = f.state.map((s) => s.map((t) => tf.keep(t)));
    return [crossEntropy(logits, tgt), correct(logits, tgt)];
  });
  const lossSum = (await l.data())[0] * bs * seq;
  const right = (await k.data())[0];
  l.dispose();
  k.dispose();
  return { lossSum, correct: right, tokens: bs * seq, state: next };
}

const asLm = (b: Batch): LMBatch => {
  if (b.kind !== 'lm') throw new WordmillError('WM_ERR_TRAIN', `the language model was sent a ${b.kind} batch`);
  return b;
};

/** The language-model task: carried, detached hidden state; loss, accuracy and perplexity. */
export function lmTask(c: ModelConfig, seed: number): TaskRun {
  const params = initParams(c, seed);
  const g = modelDef(c.arch).groups(c);
  let state: State | undefined;
  let plan: StepPlan | undefined;
  const drop = () => { if (state) { disposeState(state); state = undefined; } };
  return {
    kind: 'lm', params, shapes: paramShapes(c), buffers: new Set(), config: { ...c },
    layout: { encoder: g.encoder.flat(), vocabRows: modelDef(c.arch).vocabRows(c) },
    // fastai's awd_lstm_lm_split: each recurrent layer, then the embedding with the decoder (tied to it).
    groups: [...g.encoder.slice(1), [...g.encoder[0], ...g.decoder]],
    checkMemory: (backend, b) => { plan = planStep(backend, c, b.bs, b.seqLen); },
    async train(b, s, dropout) {
      state = ensureState(c, state, b.bs);
      const r = await trainStep(c, params, s, asLm(b), state, dropout, plan);
      disposeState(state);
      state = r.state;
      return r.loss;
    },
    tokens: (b) => b.bs * b.seqLen,
    endEpoch: drop,
    async validate(next): Promise<ValidMetrics> {
      let st: State | undefined;
      let lossSum = 0, right = 0, tokens = 0;
      for (let b = await next(); b; b = await next()) {
        st = ensureState(c, st, b.bs);
        const r = await evalStep(c, params, asLm(b), st);
        disposeState(st);
        st = r.state;
        lossSum += r.lossSum; right += r.correct; tokens += r.tokens;
      }
      if (st) disposeState(st);
      if (tokens === 0) return { validLoss: NaN, accuracy: NaN, perplexity: NaN };
      return { validLoss: lossSum / tokens, accuracy: right / tokens, perplexity: Math.exp(lossSum / tokens) };
    },
    carried: () => state,
    restoreCarried(tensors, bs) { drop(); state = restoreState(tensors, c, bs); },
    dispose: drop,
  };
}
