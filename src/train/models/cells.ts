import * as tf from '@tensorflow/tfjs';
import type { CellKind } from './recurrent.js';

/** Per-layer recurrent state: [h] or, for LSTM, [h, c]; each [bs, hidden]. */
export type LayerState = tf.Tensor2D[];

/**
 * One time step of a layer. The input projection `xw` (x·Wx + b, [bs, G·h]) is computed for all
 * time steps at once by the caller, so a step costs one small matMul (h·Wh) plus the gate math.
 * Gate order: LSTM [i, f, o, g] so one sigmoid covers three gates; GRU [r, z, n] as PyTorch.
 */
export function cellStep(cell: CellKind, xw: tf.Tensor2D, state: LayerState, wh: tf.Tensor2D, bh: tf.Tensor1D | undefined, h: number): LayerState {
  const [hPrev] = state;
  if (cell === 'lstm') {
    const z = tf.add(xw, tf.matMul(hPrev, wh));
    const s = tf.sigmoid(tf.slice(z, [0, 0], [-1, 3 * h]));
    const g = tf.tanh(tf.slice(z, [0, 3 * h], [-1, h]));
    const [i, f, o] = tf.split(s, 3, 1) as tf.Tensor2D[];
    const c = tf.add(tf.mul(f, state[1]), tf.mul(i, g)) as tf.Tensor2D;
    return [tf.mul(o, tf.tanh(c)) as tf.Tensor2D, c];
  }
  if (cell === 'gru') {
    const hw = tf.add(tf.matMul(hPrev, wh), bh!);
    const [xr, xz, xn] = tf.split(xw, 3, 1);
    const [hr, hz, hn] = tf.split(hw, 3, 1);
    const r = tf.sigmoid(tf.add(xr, hr));
    const u = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    // h' = (1 - u)·n + u·h = n + u·(h - n)
    return [tf.add(n, tf.mul(u, tf.sub(hPrev, n))) as tf.Tensor2D];
  }
  return [tf.tanh(tf.add(xw, tf.matMul(hPrev, wh))) as tf.Tensor2D];
}
