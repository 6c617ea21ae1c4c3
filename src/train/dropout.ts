import * as tf from '@tensorflow/tfjs';
import { dropMask, mix } from './rng.js';

/** Rows [start, start + count) of a batch of `total` rows: the part of the batch one micro-batch runs. */
export interface RowWindow { start: number; count: number; total: number }

/** What rebuilds a step's masks in another thread (a replica): `new Dropout(...)` of these fields. */
export interface DropoutSpec { training: boolean; seed: number; step: number; rows?: RowWindow }

/**
 * Dropout masks for one step, seeded by (seed, step): a resumed run draws the same masks.
 * With a row window (a micro-batch), per-row masks are the whole batch's mask cut to the window's
 * rows and shared masks (weights, embedding rows) are the whole batch's, so accumulating the
 * micro-batches' gradients gives the whole batch's gradient.
 */
export class Dropout {
  private n = 0;
  constructor(readonly training: boolean, private readonly seed: number, private readonly step: number, private readonly rows?: RowWindow) {}

  static from(s: DropoutSpec): Dropout { return new Dropout(s.training, s.seed, s.step, s.rows); }
  spec(): DropoutSpec { return { training: this.training, seed: this.seed, step: this.step, rows: this.rows }; }
  mask(shape: number[], p: number): tf.Tensor | undefined {
    this.n++;
    if (!this.training || p <= 0) return undefined;
    return tf.tensor(dropMask(tf.util.sizeFromShape(shape), p, mix(this.seed, this.step, this.n)), shape);
  }

  /** The same step's masks for the batch rows of `rows` (a micro-batch). */
  part(rows: RowWindow): Dropout { return new Dropout(this.training, this.seed, this.step, rows); }

  /** A mask whose axis `axis` runs over the batch's rows (`shape[axis]` is this part's row count). */
  rowMask(shape: number[], p: number, axis: number): tf.Tensor | undefined {
    const w = this.rows;
    if (!w || (w.start === 0 && w.count === w.total)) return this.mask(shape, p);
    this.n++;
    if (!this.training || p <= 0) return undefined;
    const full = [...shape];
    full[axis] = w.total;
    const all = dropMask(tf.util.sizeFromShape(full), p, mix(this.seed, this.step, this.n));
    const outer = tf.util.sizeFromShape(shape.slice(0, axis));
    const inner = tf.util.sizeFromShape(shape.slice(axis + 1));
    const out = new Float32Array(tf.util.sizeFromShape(shape));
    for (let o = 0; o < outer; o++) {
      const src = (o * w.total + w.start) * inner;
      out.set(all.subarray(src, src + w.count * inner), o * w.count * inner);
    }
    return tf.tensor(out, shape);
  }
}

export const applyMask = (x: tf.Tensor, m: tf.Tensor | undefined): tf.Tensor => (m ? tf.mul(x, m) : x);
