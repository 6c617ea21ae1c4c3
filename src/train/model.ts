import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { cellStep, zeroState, type LayerState } from './cells.js';
import type { Params } from './params.js';
import { dropMask, mix } from './rng.js';
import { lstmLayer } from './lstm-layer.js';
import { adaptiveLogProbs } from './adaptive.js';

/** LSTM layers use the fused layer op (lstm-layer.ts); tests switch it off to compare with autodiff. */
let fusedLstm = true;
export const setFusedLstm = (on: boolean): void => { fusedLstm = on; };

export type State = LayerState[];

export interface ForwardOut {
  /** Decoder input, time-major rows [seq·bs, H] (after output dropout). */
  out: tf.Tensor2D;
  /** Last layer's output before dropout, [seq, bs, H] (for temporal AR). */
  raw: tf.Tensor3D;
  state: State;
}

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

const apply = (x: tf.Tensor, m: tf.Tensor | undefined) => (m ? tf.mul(x, m) : x);

export function initState(c: ModelConfig, bs: number): State {
  return c.hidden.map((h) => zeroState(c.cell, bs, h));
}

export const disposeState = (s: State): void => s.forEach((l) => l.forEach((t) => t.dispose()));

/**
 * `state` if it fits batch size `bs`, else a zero state (the old one disposed): the first batch of
 * a stream has no state yet, and a state restored from a checkpoint or left by a stream with
 * another batch size cannot be carried into this one.
 */
export function ensureState(c: ModelConfig, state: State | undefined, bs: number): State {
  if (state && state[0][0].shape[0] === bs) return state;
  if (state) disposeState(state);
  return initState(c, bs);
}

/**
 * The language model's forward pass. `ids` are time-major [seq, bs] (row t holds step t of every
 * stream) so each step's slice is contiguous. Runs inside the caller's tidy/gradient scope.
 */
export function forward(c: ModelConfig, p: Params, ids: Int32Array, seq: number, bs: number, state: State, drop: Dropout): ForwardOut {
  const idx = tf.tensor1d(ids, 'int32');
  let x: tf.Tensor2D = tf.gather(p.get('emb')!, idx) as tf.Tensor2D;
  // Embedding dropout drops whole words (rows of the embedding matrix); gathering the row mask
  // by id equals masking the matrix, without touching V×emb values per step.
  const em = drop.mask([c.vocab, 1], c.embedP);
  if (em) x = tf.mul(x, tf.gather(em, idx)) as tf.Tensor2D;
  const locked = (t: tf.Tensor2D, p: number, h: number): tf.Tensor2D => {
    const m = drop.mask(c.locked ? [1, bs, h] : [seq, bs, h], p);
    return m ? tf.reshape(tf.mul(tf.reshape(t, [seq, bs, h]), m), [seq * bs, h]) : t;
  };
  x = locked(x, c.inputP, c.emb);
  const next: State = [];
  let raw: tf.Tensor3D | undefined;
  c.hidden.forEach((h, l) => {
    const wx = p.get(`l${l}.wx`)!;
    const whRaw = p.get(`l${l}.wh`)!;
    // Weight dropout (DropConnect) on the hidden-to-hidden weights, one mask per batch.
    const wh = apply(whRaw, drop.mask(whRaw.shape, c.weightP)) as tf.Tensor2D;
    const g = wx.shape[1] as number;
    const xw = tf.reshape(tf.add(tf.matMul(x, wx), p.get(`l${l}.b`)!), [seq, bs, g]);
    let y: tf.Tensor3D;
    if (c.cell === 'lstm' && fusedLstm) {
      const fin: { h?: tf.Tensor2D; c?: tf.Tensor2D } = {};
      y = lstmLayer(xw as tf.Tensor3D, wh, state[l][0], state[l][1], fin);
      next.push([fin.h!, fin.c!]);
    } else {
      const steps = tf.unstack(xw) as tf.Tensor2D[];
      let s = state[l];
      const outs: tf.Tensor2D[] = [];
      const bh = p.get(`l${l}.bh`) as tf.Tensor1D | undefined;
      for (let t = 0; t < seq; t++) {
        s = cellStep(c.cell, steps[t], s, wh, bh, h);
        outs.push(s[0]);
      }
      next.push(s);
      y = tf.stack(outs) as tf.Tensor3D;
    }
    if (l === c.hidden.length - 1) raw = y;
    x = tf.reshape(y, [seq * bs, h]);
    if (l < c.hidden.length - 1) x = locked(x, c.hiddenP, h);
  });
  const H = c.hidden[c.hidden.length - 1];
  x = locked(x, c.outputP, H);
  return { out: x, raw: raw!, state: next };
}

/**
 * Output layer: [N, H] -> logits [N, V]; tied models reuse the embedding (transposed). With an
 * adaptive softmax these are full log-probabilities (valid logits for softmax and arg-max).
 */
export function decode(c: ModelConfig, p: Params, h: tf.Tensor2D): tf.Tensor2D {
  if (c.cutoffs.length > 0) return adaptiveLogProbs(c, p, h);
  const w = c.tied ? p.get('emb')! : p.get('dec.w')!;
  return tf.add(tf.matMul(h, w, false, true), p.get('dec.b')!) as tf.Tensor2D;
}

/** Batch rows [bs, seq] (row-major) to time-major [seq, bs]. */
export function timeMajor(x: Int32Array, bs: number, seq: number): Int32Array {
  const out = new Int32Array(bs * seq);
  for (let b = 0; b < bs; b++) for (let t = 0; t < seq; t++) out[t * bs + b] = x[b * seq + t];
  return out;
}
