import * as tf from '@tensorflow/tfjs';
import type { LMBatch } from '../types.js';
import type { ModelConfig } from './config.js';
import { decode, Dropout, forward, timeMajor, type State } from './model.js';
import type { Params } from './params.js';
import { crossEntropy, correct } from './loss.js';
import { adaptiveLoss } from './adaptive.js';
import { clipByGlobalNorm, type Adam, type AdamHyper } from './adam.js';

// disposeState moved to model.ts (next to initState); bench/train.ts still imports it from here.
export { disposeState } from './model.js';

/**
 * The training loss as fastai reports it (Recorder's SmoothenValue, also lr_find's): an exponential
 * moving average with β 0.98, debiased by 1 − β^n so early values are not pulled towards 0.
 * `avg` and `n` are what a checkpoint stores to carry the average across a resume.
 */
export class SmoothLoss {
  constructor(public avg = 0, public n = 0) {}
  add(loss: number): void {
    this.n++;
    this.avg = this.avg * 0.98 + loss * 0.02;
  }
  get value(): number { return this.avg / (1 - 0.98 ** this.n); }
}

/**
 * One optimizer step. The returned state is kept (outside any tidy) and detached by construction:
 * it enters the next step as a plain input. The caller disposes the old state.
 */
export function trainStep(c: ModelConfig, p: Params, opt: Adam, batch: LMBatch, state: State, hyper: AdamHyper,
  clip: number | undefined, drop: Dropout): { loss: number; state: State } {
  const { bs, seqLen: seq } = batch;
  const ids = timeMajor(batch.x, bs, seq);
  const tgt = timeMajor(batch.y, bs, seq);
  const names = new Map<string, string>();
  for (const [k, v] of p) names.set(v.name, k);
  let ce: tf.Scalar | undefined;
  let next: State = [];
  const { value, grads } = tf.variableGrads(() => {
    const f = forward(c, p, ids, seq, bs, state, drop);
    const loss = c.cutoffs.length > 0 ? adaptiveLoss(c, p, f.out, tgt) : crossEntropy(decode(c, p, f.out), tgt);
    ce = tf.keep(tf.clone(loss));
    let total: tf.Scalar = loss;
    // fastai's RNNRegularizer: AR on the dropped output, TAR on the raw output's time differences.
    if (c.alpha > 0) total = tf.add(total, tf.mul(tf.mean(tf.square(f.out)), c.alpha));
    if (c.beta > 0 && seq > 1) {
      const d = tf.sub(tf.slice(f.raw, [1, 0, 0], [seq - 1, -1, -1]), tf.slice(f.raw, [0, 0, 0], [seq - 1, -1, -1]));
      total = tf.add(total, tf.mul(tf.mean(tf.square(d)), c.beta));
    }
    next = f.state.map((l) => l.map((t) => tf.keep(t)));
    return total;
  }, [...p.values()]);
  let g: Record<string, tf.Tensor> = {};
  for (const [n, t] of Object.entries(grads)) g[names.get(n) ?? n] = t;
  if (clip && clip > 0) g = clipByGlobalNorm(g, clip);
  opt.apply(g, hyper);
  for (const t of Object.values(g)) t.dispose();
  value.dispose();
  const loss = ce!.dataSync()[0];
  ce!.dispose();
  return { loss, state: next };
}

/** Forward only (no dropout): summed loss over tokens, correct predictions, and the new state. */
export function evalStep(c: ModelConfig, p: Params, batch: LMBatch, state: State): { lossSum: number; correct: number; tokens: number; state: State } {
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
  const lossSum = l.dataSync()[0] * bs * seq;
  const right = k.dataSync()[0];
  l.dispose();
  k.dispose();
  return { lossSum, correct: right, tokens: bs * seq, state: next };
}
