import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../pipeline/spec.js';
import type { Params } from './params.js';

export interface AdamHyper { lr: number; beta1: number; beta2: number; wd: number; eps: number }

/**
 * fastai's Adam defaults for a TrainSpec: betas (0.9, 0.99) unless given, eps 1e-5, the spec's wd.
 * The caller adds lr (and one-cycle replaces beta1 with its momentum schedule).
 */
export function adamDefaults(t: Pick<TrainSpec, 'betas' | 'wd' | 'eps'>): Omit<AdamHyper, 'lr'> {
  return { beta1: t.betas?.[0] ?? 0.9, beta2: t.betas?.[1] ?? 0.99, wd: t.wd, eps: t.eps ?? 1e-5 };
}

/**
 * fastai's Adam, which is AdamW (Loshchilov & Hutter; torch.optim.AdamW computes the same update
 * when β1 is constant and eps matches): dampened averages (1 − β), bias correction with the current β1 (it is cycled by
 * one-cycle), eps outside the square root (1e-5), and decoupled weight decay (`true_wd`:
 * p ← p·(1 − lr·wd) before the step), not applied to biases (`wd_bn_bias=False`).
 */
export class Adam {
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  step = 0;
  constructor(private readonly params: Params, private readonly noDecay: Set<string>) {
    for (const [k, p] of params) {
      this.m.set(k, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(k, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /**
   * One step for the parameters that have a gradient (frozen ones have none and stay untouched,
   * moments included). `lrScale` multiplies `h.lr` per parameter (discriminative learning rates).
   */
  apply(grads: Record<string, tf.Tensor>, h: AdamHyper, lrScale?: ReadonlyMap<string, number>): void {
    this.step++;
    const debias1 = 1 - Math.pow(h.beta1, this.step);
    const debias2 = 1 - Math.pow(h.beta2, this.step);
    tf.tidy(() => {
      for (const [k, p] of this.params) {
        const g = grads[k];
        if (!g) continue;
        const lr = h.lr * (lrScale?.get(k) ?? 1);
        const m = this.m.get(k)!;
        const v = this.v.get(k)!;
        const m2 = tf.add(tf.mul(m, h.beta1), tf.mul(g, 1 - h.beta1));
        const v2 = tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
        m.assign(m2);
        v.assign(v2);
        const decayed = h.wd > 0 && !this.noDecay.has(k) ? tf.mul(p, 1 - lr * h.wd) : p;
        const upd = tf.div(m2, tf.add(tf.sqrt(tf.div(v2, debias2)), h.eps));
        p.assign(tf.sub(decayed, tf.mul(upd, lr / debias1)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** Scales gradients so their global L2 norm is at most `max` (PyTorch's clip_grad_norm_). */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, max: number): Record<string, tf.Tensor> {
  const keys = Object.keys(grads);
  const scaled = tf.tidy(() => {
    const total = tf.sqrt(tf.addN(keys.map((k) => tf.sum(tf.square(grads[k])))));
    const coef = tf.minimum(tf.div(max, tf.add(total, 1e-6)), 1);
    return keys.map((k) => tf.mul(grads[k], coef));
  });
  const out: Record<string, tf.Tensor> = {};
  keys.forEach((k, i) => { grads[k].dispose(); out[k] = scaled[i]; });
  return out;
}
