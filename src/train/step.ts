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

/** The variables `s` trains, and each variable's parameter name (tfjs keys gradients by variable name). */
function trainableVars(p: Params, s: Pick<StepSettings, 'trainable'>): { vars: tf.Variable[]; names: Map<string, string> } {
  const names = new Map<string, string>();
  const vars: tf.Variable[] = [];
  for (const k of s.trainable ?? p.keys()) {
    const v = p.get(k)!;
    names.set(v.name, k);
    vars.push(v);
  }
  return { vars, names };
}

/**
 * Gradients of one objective (run inside the gradient scope: `total` is differentiated, `loss`
 * kept for the report) over the trainable parameters, keyed by parameter name. Frozen parameters
 * are not differentiated at all, so they stay bit-identical.
 */
export function gradients(p: Params, s: Pick<StepSettings, 'trainable'>, objective: () => { total: tf.Scalar; loss: tf.Scalar }): { grads: Record<string, tf.Tensor>; loss: tf.Scalar } {
  const { vars, names } = trainableVars(p, s);
  let reported: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const o = objective();
    reported = tf.keep(tf.clone(o.loss));
    return o.total;
  }, vars);
  value.dispose();
  const out: Record<string, tf.Tensor> = {};
  for (const [n, t] of Object.entries(grads)) out[names.get(n) ?? n] = t;
  return { grads: out, loss: reported! };
}

/** `sum` += `part`, in place, key by key; `part`'s tensors are consumed. Parts are added in part order. */
export function accumulate(sum: Record<string, tf.Tensor>, part: Record<string, tf.Tensor>): void {
  for (const [k, t] of Object.entries(part)) {
    if (!sum[k]) { sum[k] = t; continue; }
    const next = tf.add(sum[k], t);
    sum[k].dispose(); t.dispose();
    sum[k] = next;
  }
}

/** Clipping and the optimizer's update on the batch's summed gradients, which are disposed. */
export function applyGradients(g: Record<string, tf.Tensor>, s: StepSettings): void {
  if (s.clip && s.clip > 0) g = clipByGlobalNorm(g, s.clip);
  s.opt.apply(g, s.hyper, s.lrScale);
  for (const t of Object.values(g)) t.dispose();
}

/**
 * One optimizer step on `objective`. With `parts` > 1 the objective runs once per part (a
 * micro-batch, already weighted by its share of the batch) and the gradients are summed before
 * clipping and the update: the whole batch's step.
 */
export async function optimize(p: Params, s: StepSettings, objective: (part: number) => { total: tf.Scalar; loss: tf.Scalar }, parts = 1): Promise<number> {
  const reports: tf.Scalar[] = [];
  const g: Record<string, tf.Tensor> = {};
  for (let part = 0; part < parts; part++) {
    const r = gradients(p, s, () => objective(part));
    accumulate(g, r.grads);
    reports.push(r.loss);
  }
  applyGradients(g, s);
  let loss = 0;
  for (const r of reports) { loss += (await r.data())[0]; r.dispose(); }
  return loss;
}
