import * as tf from '@tensorflow/tfjs';
import { dropMask, mix } from './rng.js';

/** Dropout masks for one step, seeded by (seed, step): a resumed run draws the same masks. */
export class Dropout {
  private n = 0;
  constructor(readonly training: boolean, private readonly seed: number, private readonly step: number) {}
  mask(shape: number[], p: number): tf.Tensor | undefined {
    this.n++;
    if (!this.training || p <= 0) return undefined;
    return tf.tensor(dropMask(tf.util.sizeFromShape(shape), p, mix(this.seed, this.step, this.n)), shape);
  }
}

export const applyMask = (x: tf.Tensor, m: tf.Tensor | undefined): tf.Tensor => (m ? tf.mul(x, m) : x);
