import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../pipeline/spec.js';
import type { Params } from './params.js';
import { ADAM, hasAdamKernel, type AdamConstants } from './adam-wasm.js';

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
    const fused = hasAdamKernel();
    const set = (x: tf.Variable, value: tf.Tensor) => { x.assign(value); value.dispose(); };
    for (const [k, p] of this.params) {
      const g = grads[k];
      if (!g) continue;
      const lr = h.lr * (lrScale?.get(k) ?? 1);
      const m = this.m.get(k)!;
      const v = this.v.get(k)!;
      const decay = h.wd > 0 && !this.noDecay.has(k);
      if (fused) {
        const c: AdamConstants = { b1: h.beta1, c1: 1 - h.beta1, b2: h.beta2, c2: 1 - h.beta2, d2: debias2, eps: h.eps, s: lr / debias1, keep: decay ? 1 - lr * h.wd : 1 };
        const [np, nm, nv] = tf.engine().runKernel(ADAM, { p, g, m, v }, c as unknown as tf.NamedAttrMap) as tf.Tensor[];
        set(m, nm); set(v, nv); set(p, np);
        continue;
      }
      // One tidy per parameter and per moment: a tidy around the whole update held ~14 temporaries
      // of every parameter at once (1.4 GB for the full-size AWD-LSTM's 44M weights).
      set(m, tf.tidy(() => tf.add(tf.mul(m, h.beta1), tf.mul(g, 1 - h.beta1))));
      set(v, tf.tidy(() => tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2))));
      const upd = tf.tidy(() => tf.mul(tf.div(m, tf.add(tf.sqrt(tf.div(v, debias2)), h.eps)), lr / debias1));
      set(p, tf.tidy(() => tf.sub(decay ? tf.mul(p, 1 - lr * h.wd) : p, upd)));
      upd.dispose();
    }
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
