import * as tf from '@tensorflow/tfjs';
import type { BaseConfig, ForwardOut, State } from './models/types.js';
import { modelDef } from './models/index.js';
import type { Params } from './params.js';
import type { Dropout } from './dropout.js';

/**
 * The model interface the tasks use, dispatched to the module registered as `c.arch` (models/).
 * Nothing here knows which model it runs.
 */
export { Dropout } from './dropout.js';
export { setFusedLstm } from './models/recurrent.js';
export type { State, ForwardOut } from './models/types.js';

export function initState(c: BaseConfig, bs: number): State {
  return modelDef(c.arch).state(c, bs).map((layer) => layer.map((shape) => tf.zeros(shape as [number, number])));
}

export const disposeState = (s: State): void => s.forEach((l) => l.forEach((t) => t.dispose()));

/**
 * `state` if it fits batch size `bs`, else a zero state (the old one disposed): the first batch of
 * a stream has no state yet, and a state restored from a checkpoint or left by a stream with
 * another batch size cannot be carried into this one.
 */
export function ensureState(c: BaseConfig, state: State | undefined, bs: number): State {
  if (state && (state.length === 0 || state[0][0].shape[0] === bs)) return state;
  if (state) disposeState(state);
  return initState(c, bs);
}

/** The model's forward pass; `ids` are time-major [seq, bs] so each step's slice is contiguous. */
export function forward(c: BaseConfig, p: Params, ids: Int32Array, seq: number, bs: number, state: State, drop: Dropout): ForwardOut {
  return modelDef(c.arch).forward(c, p, ids, seq, bs, state, drop);
}

/** Output layer: [N, H] -> logits [N, V] (full log-probabilities with an adaptive softmax). */
export function decode(c: BaseConfig, p: Params, h: tf.Tensor2D): tf.Tensor2D {
  return modelDef(c.arch).decode(c, p, h);
}

/** Batch rows [bs, seq] (row-major) to time-major [seq, bs]. */
export function timeMajor(x: Int32Array, bs: number, seq: number): Int32Array {
  const out = new Int32Array(bs * seq);
  for (let b = 0; b < bs; b++) for (let t = 0; t < seq; t++) out[t * bs + b] = x[b * seq + t];
  return out;
}
