import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { TrainerModelSpec } from '../config.js';
import type { Params, ParamShape } from '../params.js';
import { applyMask, type Dropout } from '../dropout.js';
import { normal, uniform } from '../rng.js';
import { cellStep } from './cells.js';
import { lstmLayer } from '../lstm-layer.js';
import { adaptiveLogProbs, adaptiveLoss, adaptiveShape } from '../adaptive.js';
import { crossEntropy } from '../loss.js';
import { linearCrossEntropy } from '../linear-ce.js';
import type { ForwardOut, ModelDef, State } from './types.js';

export type CellKind = 'lstm' | 'gru' | 'rnn';

/**
 * The recurrent language models: an embedding, a stack of LSTM/GRU/RNN layers and a (tied or
 * adaptive) decoder. `lstm`, `gru` and `rnn` are PyTorch's nn.LSTM/GRU/RNN language model with
 * dropout on the last output; `awd-lstm` (awd-lstm.ts) is the same stack with AWD's dropouts.
 */
export interface RecurrentConfig {
  arch: 'lstm' | 'gru' | 'rnn' | 'awd-lstm';
  cell: CellKind;
  vocab: number;
  emb: number;
  /** Output size per layer; with tied weights the last is `emb` (fastai's AWD_LSTM), whatever `hidden`. */
  hidden: number[];
  tied: boolean;
  /** Dropout on the last layer's output; `locked` shares one mask across time (AWD-LSTM). */
  outputP: number;
  hiddenP: number;
  inputP: number;
  embedP: number;
  weightP: number;
  locked: boolean;
  alpha: number;
  beta: number;
  /** Adaptive softmax cluster starts (empty: full softmax) and the projection divisor. */
  cutoffs: number[];
  divValue: number;
  /** AWD-LSTM initialises the embedding uniform(±0.1) and a zero decoder bias; PyTorch's defaults otherwise. */
  init: 'awd' | 'torch';
}

/** LSTM layers use the fused layer op (lstm-layer.ts); tests switch it off to compare with autodiff. */
let fusedLstm = true;
export const setFusedLstm = (on: boolean): void => { fusedLstm = on; };

export const gateCount = (cell: CellKind): number => (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);

const fail = (msg: string, option: string): never => {
  throw new WordmillError('WM_ERR_OPTION', `model: ${msg}`, { option });
};

/** Sizes, adaptive softmax and AR/TAR shared by every recurrent arch; each arch adds its dropouts. */
export function resolveStack(spec: TrainerModelSpec, vocab: number, lastIsEmb: boolean): Pick<RecurrentConfig, 'vocab' | 'emb' | 'hidden' | 'tied' | 'alpha' | 'beta' | 'cutoffs' | 'divValue'> {
  const layers = spec.layers;
  if (!Number.isInteger(layers) || layers < 1) fail(`layers must be an integer >= 1 (got ${layers})`, 'model.layers');
  const hid = spec.hidden ?? 200;
  const tied = spec.tied ?? true;
  if (!(spec.emb >= 1) || !(hid >= 1)) fail('emb and hidden must be >= 1', 'model.hidden');
  // fastai's AWD_LSTM: the last layer outputs emb, so tied weights work with any hidden size.
  const hidden = Array.from({ length: layers }, (_, i) => (i === layers - 1 && lastIsEmb ? spec.emb : hid));
  return { vocab, emb: spec.emb, hidden, tied, alpha: spec.alpha ?? 0, beta: spec.beta ?? 0, ...resolveAdaptive(spec, vocab) };
}

function resolveAdaptive(spec: TrainerModelSpec, vocab: number): Pick<RecurrentConfig, 'cutoffs' | 'divValue'> {
  const a = spec.adaptive;
  if (!a || a.cutoffs.length === 0) return { cutoffs: [], divValue: 4 };
  const ok = a.cutoffs.every((c, i) => Number.isInteger(c) && c > (i ? a.cutoffs[i - 1] : 0) && c < vocab);
  if (!ok) fail(`adaptive.cutoffs must be increasing integers in (0, ${vocab}) (got ${JSON.stringify(a.cutoffs)})`, 'model.adaptive');
  if (spec.tied ?? true) fail('an adaptive softmax cannot be tied to the embedding (set tied: false)', 'model.tied');
  return { cutoffs: [...a.cutoffs], divValue: a.div ?? 4 };
}

/** The weight layout: embedding, per layer input projection `wx` [in, G·h], recurrent `wh` [h, G·h], bias; decoder. */
function params(c: RecurrentConfig): ParamShape[] {
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

/** The stack's forward pass over time-major ids [seq, bs]. */
function forward(c: RecurrentConfig, p: Params, ids: Int32Array, seq: number, bs: number, state: State, drop: Dropout): ForwardOut {
  const idx = tf.tensor1d(ids, 'int32');
  let x: tf.Tensor2D = tf.gather(p.get('emb')!, idx) as tf.Tensor2D;
  // Embedding dropout drops whole words (rows of the embedding matrix); gathering the row mask
  // by id equals masking the matrix, without touching V×emb values per step.
  const em = drop.mask([c.vocab, 1], c.embedP);
  if (em) x = tf.mul(x, tf.gather(em, idx)) as tf.Tensor2D;
  const locked = (t: tf.Tensor2D, pr: number, h: number): tf.Tensor2D => {
    const m = drop.rowMask(c.locked ? [1, bs, h] : [seq, bs, h], pr, 1);
    return m ? tf.reshape(tf.mul(tf.reshape(t, [seq, bs, h]), m), [seq * bs, h]) : t;
  };
  x = locked(x, c.inputP, c.emb);
  const next: State = [];
  let raw: tf.Tensor3D | undefined;
  c.hidden.forEach((h, l) => {
    const wx = p.get(`l${l}.wx`)!;
    const whRaw = p.get(`l${l}.wh`)!;
    // Weight dropout (DropConnect) on the hidden-to-hidden weights, one mask per batch.
    const wh = applyMask(whRaw, drop.mask(whRaw.shape, c.weightP)) as tf.Tensor2D;
    const g = wx.shape[1] as number;
    const xw = tf.reshape(tf.add(tf.matMul(x, wx), p.get(`l${l}.b`)!), [seq, bs, g]);
    let y: tf.Tensor3D;
    if (c.cell === 'lstm' && fusedLstm) {
      const fin: { h?: tf.Tensor2D; c?: tf.Tensor2D } = {};
      y = lstmLayer(xw as tf.Tensor3D, wh, state[l][0], state[l][1], fin);
      next.push([fin.h!, fin.c!]);
    } else {
      // One step by reshape: tfjs's gradient of a one-output Unpack hands Pack a tensor, not a
      // list, and throws (a GRU or RNN could not train on a one-token sequence).
      const steps = seq === 1 ? [tf.reshape(xw, [bs, g]) as tf.Tensor2D] : tf.unstack(xw) as tf.Tensor2D[];
      let s = state[l];
      const outs: tf.Tensor2D[] = [];
      const bh = p.get(`l${l}.bh`) as tf.Tensor1D | undefined;
      for (let t = 0; t < seq; t++) {
        s = cellStep(c.cell, steps[t], s, wh, bh, h);
        outs.push(s[0]);
      }
      next.push(s);
      y = (seq === 1 ? tf.expandDims(outs[0], 0) : tf.stack(outs)) as tf.Tensor3D;
    }
    if (l === c.hidden.length - 1) raw = y;
    x = tf.reshape(y, [seq * bs, h]);
    if (l < c.hidden.length - 1) x = locked(x, c.hiddenP, h);
  });
  x = locked(x, c.outputP, outDim(c));
  return { out: x, raw: raw!, state: next };
}

const outDim = (c: RecurrentConfig): number => c.hidden[c.hidden.length - 1];

/** [N, H] -> logits [N, V]; tied models reuse the embedding. With an adaptive softmax, full log-probabilities. */
function decode(c: RecurrentConfig, p: Params, h: tf.Tensor2D): tf.Tensor2D {
  if (c.cutoffs.length > 0) return adaptiveLogProbs(c, p, h);
  const w = c.tied ? p.get('emb')! : p.get('dec.w')!;
  return tf.add(tf.matMul(h, w, false, true), p.get('dec.b')!) as tf.Tensor2D;
}

/** The recurrent stack's definition for cell kind `cell`; `resolve` is each arch's own. */
export function recurrentDef(resolve: ModelDef<RecurrentConfig>['resolve']): ModelDef<RecurrentConfig> {
  return {
    resolve,
    params,
    state: (c, bs) => c.hidden.map((h) => Array.from({ length: c.cell === 'lstm' ? 2 : 1 }, () => [bs, h])),
    forward,
    outDim,
    decode,
    lmLoss: (c, p, h, targets, chunkRows) => {
      if (c.cutoffs.length > 0) return adaptiveLoss(c, p, h, targets);
      if (!chunkRows || chunkRows >= h.shape[0]) return crossEntropy(decode(c, p, h), targets);
      const w = c.tied ? p.get('emb')! : p.get('dec.w')!;
      return linearCrossEntropy(h, w as tf.Tensor2D, p.get('dec.b')! as tf.Tensor1D, targets, chunkRows);
    },
    // fastai's awd_lstm_clas_split: the embedding, then each recurrent layer.
    groups: (c) => {
      const names = params(c).map((s) => s.name);
      const layer = (l: number) => names.filter((n) => n.startsWith(`l${l}.`));
      return {
        encoder: [['emb'], ...c.hidden.map((_, l) => layer(l))],
        decoder: names.filter((n) => n.startsWith('dec.') || n.startsWith('ada.')),
      };
    },
    vocabRows: (c) => (c.cutoffs.length > 0 ? ['emb'] : c.tied ? ['emb', 'dec.b'] : ['emb', 'dec.w', 'dec.b']),
    // Measured (bench/peak.ts, memory.test.ts): the tape and one layer's backward pass hold ~8
    // gate-sized and ~16 hidden-sized values per token and layer; the whole output layer ~5 [N, V]
    // buffers (logits, shifted logits, the softmax gradient, matMul's around it; 7 before the loss
    // computed its gradient in the forward pass, loss.ts), or, chunked, three chunks of
    // logits, the [V, H] weight gradient twice and [N, H] twice.
    activationFloats: (c, n, chunkRows) => {
      const g = gateCount(c.cell);
      const perToken = c.hidden.reduce((a, h) => a + 8 * g * h + 16 * h, 0) + 4 * c.emb;
      const last = outDim(c);
      const out = c.cutoffs.length > 0 ? 6 * n * adaptiveShape(c).head + 2 * n * c.vocab
        : chunkRows && chunkRows < n ? 3 * chunkRows * c.vocab + 2 * c.vocab * last + 2 * n * last : 5 * n * c.vocab;
      return n * perToken + out;
    },
  };
}

/** PyTorch's nn.LSTM / nn.GRU / nn.RNN language model: dropout `model.dropout` on the last output. */
export const plainRecurrent = (cell: CellKind): ModelDef<RecurrentConfig> => recurrentDef((spec, vocab) => ({
  arch: cell, cell, ...resolveStack(spec, vocab, spec.tied ?? true), locked: false, init: 'torch',
  outputP: spec.dropout ?? 0, hiddenP: 0, inputP: 0, embedP: 0, weightP: 0,
}));
