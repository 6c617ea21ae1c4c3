import * as tf from '@tensorflow/tfjs';
import type { Params } from './params.js';
import { clipByGlobalNorm, type Adam, type AdamHyper } from './adam.js';

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

/** How one optimizer step runs: which parameters train, at which learning rate each. */
export interface StepSettings {
  opt: Adam;
  hyper: AdamHyper;
  clip: number | undefined;
  /** Parameter names that get gradients (the unfrozen groups); undefined: all. */
  trainable?: readonly string[];
  /** Per-parameter multiplier of `hyper.lr` (discriminative learning rates). */
  lrScale?: ReadonlyMap<string, number>;
}

/**
 * One optimizer step on `objective` (run inside the gradient scope: `total` is minimised, `loss`
 * reported). Frozen parameters are not differentiated at all, so they stay bit-identical. The loss
 * is read back asynchronously: WebGPU under Node has no synchronous read (tfjs's uses a canvas).
 */
export async function optimize(p: Params, s: StepSettings, objective: () => { total: tf.Scalar; loss: tf.Scalar }): Promise<number> {
  const names = new Map<string, string>();
  const vars: tf.Variable[] = [];
  for (const k of s.trainable ?? p.keys()) {
    const v = p.get(k)!;
    names.set(v.name, k);
    vars.push(v);
  }
  let reported: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const o = objective();
    reported = tf.keep(tf.clone(o.loss));
    return o.total;
  }, vars);
  let g: Record<string, tf.Tensor> = {};
  for (const [n, t] of Object.entries(grads)) g[names.get(n) ?? n] = t;
  if (s.clip && s.clip > 0) g = clipByGlobalNorm(g, s.clip);
  s.opt.apply(g, s.hyper, s.lrScale);
  for (const t of Object.values(g)) t.dispose();
  value.dispose();
  const loss = (await reported!.data())[0];
  reported!.dispose();
  return loss;
}
