import * as tf from '@tensorflow/tfjs';
import { gateCount, type ModelConfig } from './config.js';
import { normal, rng, uniform, mix } from './rng.js';
import { adaptiveShape } from './adaptive.js';

/** Named trainable weights. Names are stable: checkpoints and `saveEncoder` key on them. */
export type Params = Map<string, tf.Variable>;

export interface ParamShape { name: string; shape: number[]; init: (r: () => number) => Float32Array; decay: boolean }

/** The weight layout of a model: input projection `wx` [in, G·h], recurrent `wh` [h, G·h], bias. */
export function paramShapes(c: ModelConfig): ParamShape[] {
  const out: ParamShape[] = [];
  const u = (shape: number[], bound: number) => (r: () => number) => uniform(tf.util.sizeFromShape(shape), bound, r);
  out.push({
    name: 'emb', shape: [c.vocab, c.emb], decay: true,
    init: c.init === 'awd' ? u([c.vocab, c.emb], 0.1) : (r) => normal(c.vocab * c.emb, 1, r),
  });
  const g = gateCount(c.cell);
  let input = c.emb;
  c.hidden.forEach((h, i) => {
    const bound = 1 / Math.sqrt(h);
    out.push({ name: `l${i}.wx`, shape: [input, g * h], decay: true, init: u([input, g * h], bound) });
    out.push({ name: `l${i}.wh`, shape: [h, g * h], decay: true, init: u([h, g * h], bound) });
    // PyTorch's RNNs carry two biases (b_ih + b_hh); one summed bias is the same function.
    out.push({
      name: `l${i}.b`, shape: [g * h], decay: false,
      init: (r) => {
        const a = uniform(g * h, bound, r);
        if (c.cell !== 'gru') { const b = uniform(g * h, bound, r); for (let k = 0; k < a.length; k++) a[k] += b[k]; }
        return a;
      },
    });
    // GRU's candidate gate multiplies the recurrent bias by the reset gate, so it stays separate.
    if (c.cell === 'gru') out.push({ name: `l${i}.bh`, shape: [g * h], decay: false, init: u([g * h], bound) });
    input = h;
  });
  const last = c.hidden[c.hidden.length - 1];
  if (c.cutoffs.length > 0) {
    const a = adaptiveShape(c);
    out.push({ name: 'ada.head.w', shape: [last, a.head], decay: true, init: u([last, a.head], 1 / Math.sqrt(last)) });
    out.push({ name: 'ada.head.b', shape: [a.head], decay: false, init: () => new Float32Array(a.head) });
    a.tails.forEach((t, k) => {
      out.push({ name: `ada.t${k}.proj`, shape: [last, t.dim], decay: true, init: u([last, t.dim], 1 / Math.sqrt(last)) });
      out.push({ name: `ada.t${k}.out`, shape: [t.dim, t.size], decay: true, init: u([t.dim, t.size], 1 / Math.sqrt(t.dim)) });
    });
    return out;
  }
  // Stored [V, H] like the embedding (and PyTorch's Linear): with a large vocabulary the backward
  // products dlogits·W and dlogitsᵀ·h are then the cheap orientations (measured 30% less than [H, V]).
  if (!c.tied) out.push({ name: 'dec.w', shape: [c.vocab, last], decay: true, init: u([c.vocab, last], 1 / Math.sqrt(last)) });
  out.push({
    name: 'dec.b', shape: [c.vocab], decay: false,
    init: c.init === 'awd' ? () => new Float32Array(c.vocab) : u([c.vocab], 1 / Math.sqrt(last)),
  });
  return out;
}

export function initParams(c: ModelConfig, seed: number): Params {
  const params: Params = new Map();
  paramShapes(c).forEach((p, i) => {
    // tidy disposes the initial tensor: a variable shares its data, and the initial tensor would
    // otherwise keep it alive after the variable is disposed (a leak of the model per job).
    params.set(p.name, tf.tidy(() => tf.variable(tf.tensor(p.init(rng(mix(seed, 0x1417, i))), p.shape), true, `${p.name}_${seed}_${Math.random().toString(36).slice(2)}`)));
  });
  return params;
}

export const noDecay = (c: ModelConfig): Set<string> => new Set(paramShapes(c).filter((p) => !p.decay).map((p) => p.name));

export function disposeParams(p: Params): void {
  for (const v of p.values()) v.dispose();
}
