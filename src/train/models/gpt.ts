import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { Params, ParamShape } from '../params.js';
import { normal } from '../rng.js';
import { crossEntropy } from '../loss.js';
import { block, causalMask, dropped, layerNorm } from './gpt-block.js';
import type { Dropout } from '../dropout.js';
import type { ForwardOut, ModelDef, State } from './types.js';

/**
 * GPT-2 (Radford et al. 2019; nanoGPT's model.py, HF's GPT2LMHeadModel): token and learned
 * position embeddings, `layers` pre-LayerNorm blocks of causal multi-head self-attention and a
 * GELU MLP, a final LayerNorm and an output head tied to the token embedding (no bias). Stateless:
 * nothing is carried across batches, so a batch sees at most `context` tokens.
 */
export interface GptConfig {
  arch: 'gpt';
  vocab: number;
  layers: number;
  heads: number;
  emb: number;
  context: number;
  /** Dropout on the embeddings, the attention weights and each residual branch (GPT-2's 0.1). */
  dropout: number;
  /** What a classifier head's first dropout takes from its encoder (the LSTMs' output dropout). */
  outputP: number;
  /** No activation regularization (AR/TAR belong to the LSTMs). */
  alpha: 0;
  beta: 0;
}

const fail = (msg: string, option: string): never => {
  throw new WordmillError('WM_ERR_OPTION', `model: ${msg}`, { option });
};

/** The weight names of block `i` (HF's h.{i}.*, Conv1D layout [in, out]). */
const blockParams = (c: GptConfig, i: number): ParamShape[] => {
  const C = c.emb;
  const w = (name: string, shape: number[], std: number): ParamShape => ({ name: `h${i}.${name}`, shape, decay: true, init: (r) => normal(shape[0] * shape[1], std, r) });
  const zeros = (name: string, n: number): ParamShape => ({ name: `h${i}.${name}`, shape: [n], decay: false, init: () => new Float32Array(n) });
  const ones = (name: string, n: number): ParamShape => ({ name: `h${i}.${name}`, shape: [n], decay: false, init: () => new Float32Array(n).fill(1) });
  // GPT-2 scales the residual projections' init by 1/√(2·layers) (nanoGPT's c_proj special case).
  const resid = 0.02 / Math.sqrt(2 * c.layers);
  return [
    ones('ln1.g', C), zeros('ln1.b', C),
    w('attn.w', [C, 3 * C], 0.02), zeros('attn.b', 3 * C),
    w('proj.w', [C, C], resid), zeros('proj.b', C),
    ones('ln2.g', C), zeros('ln2.b', C),
    w('fc.w', [C, 4 * C], 0.02), zeros('fc.b', 4 * C),
    w('mlp.w', [4 * C, C], resid), zeros('mlp.b', C),
  ];
};

function params(c: GptConfig): ParamShape[] {
  return [
    { name: 'wte', shape: [c.vocab, c.emb], decay: true, init: (r) => normal(c.vocab * c.emb, 0.02, r) },
    { name: 'wpe', shape: [c.context, c.emb], decay: true, init: (r) => normal(c.context * c.emb, 0.02, r) },
    ...Array.from({ length: c.layers }, (_, i) => blockParams(c, i)).flat(),
    { name: 'lnf.g', shape: [c.emb], decay: false, init: () => new Float32Array(c.emb).fill(1) },
    { name: 'lnf.b', shape: [c.emb], decay: false, init: () => new Float32Array(c.emb) },
  ];
}

/** Time-major ids [seq, bs] (ModelDef's contract) in, time-major features [seq·bs, C] out. */
function forward(c: GptConfig, p: Params, ids: Int32Array, seq: number, bs: number, _state: State, drop: Dropout): ForwardOut {
  if (seq > c.context) fail(`a batch of ${seq} tokens per row is longer than model.context (${c.context}): lower batch.seqLen or raise model.context`, 'batch.seqLen');
  // Batch-major inside: attention works per row.
  const rows = new Int32Array(seq * bs);
  for (let t = 0; t < seq; t++) for (let b = 0; b < bs; b++) rows[b * seq + t] = ids[t * bs + b];
  const tok = tf.reshape(tf.gather(p.get('wte')!, tf.tensor1d(rows, 'int32')), [bs, seq, c.emb]);
  let x = dropped(tf.add(tok, tf.slice(p.get('wpe')!, [0, 0], [seq, c.emb])), drop, c.dropout);
  const mask = causalMask(seq);
  const dims = { bs, seq, emb: c.emb, heads: c.heads, dropout: c.dropout };
  for (let i = 0; i < c.layers; i++) x = block(`h${i}.`, p, x, mask, dims, drop);
  x = layerNorm(x, p.get('lnf.g')!, p.get('lnf.b')!);
  const raw = tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
  return { out: tf.reshape(raw, [seq * bs, c.emb]) as tf.Tensor2D, raw, state: [] };
}

/** Tied head: logits = h·wteᵀ (GPT-2 has no output bias). */
const decode = (_c: GptConfig, p: Params, h: tf.Tensor2D): tf.Tensor2D => tf.matMul(h, p.get('wte')!, false, true) as tf.Tensor2D;

export const gpt: ModelDef<GptConfig> = {
  resolve(spec, vocab) {
    const s = spec as typeof spec & { heads?: number; context?: number };
    const heads = s.heads ?? 4, context = s.context ?? 128;
    for (const [k, v] of [['layers', spec.layers], ['heads', heads], ['emb', spec.emb], ['context', context]] as const) {
      if (!Number.isInteger(v) || v < 1) fail(`${k} must be an integer >= 1 (got ${v})`, `model.${k}`);
    }
    if (spec.emb % heads !== 0) fail(`heads (${heads}) must divide emb (${spec.emb})`, 'model.heads');
    const dropout = spec.dropout ?? 0.1;
    return { arch: 'gpt', vocab, layers: spec.layers, heads, emb: spec.emb, context, dropout, outputP: dropout, alpha: 0, beta: 0 };
  },
  params,
  state: () => [],
  forward,
  outDim: (c) => c.emb,
  decode,
  lmLoss: (c, p, h, targets) => crossEntropy(decode(c, p, h), targets),
  // Embeddings, then each block; the head is tied, so the decoder group is the final LayerNorm.
  groups: (c) => ({
    encoder: [['wte', 'wpe'], ...Array.from({ length: c.layers }, (_, i) => blockParams(c, i).map((s) => s.name))],
    decoder: ['lnf.g', 'lnf.b'],
  }),
  vocabRows: () => ['wte'],
  window: (c) => c.context,
  // Per token and block the tape keeps ~40·C values (two LayerNorms, q/k/v and their head
  // transposes, the 4·C MLP with GELU's intermediates, residuals) and 3·heads·T attention values
  // (scores, softmax, its dropout) with T ≤ context; the tied head ~6 [N, V] buffers as the LSTMs'.
  activationFloats: (c, n) => n * (c.layers * (40 * c.emb + 3 * c.heads * c.context) + 4 * c.emb) + 6 * n * c.vocab,
};
