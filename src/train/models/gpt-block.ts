import * as tf from '@tensorflow/tfjs';
import type { Params } from '../params.js';
import type { Dropout } from '../dropout.js';

/**
 * The pieces of a GPT-2 block (pre-LayerNorm, causal multi-head self-attention, GELU MLP) on
 * batch-major activations [bs, seq, C]. Composed of tfjs ops only, so autodiff gives the gradient
 * and there is no hand-written kernel to check.
 */

/** LayerNorm over the last axis, eps 1e-5 as torch.nn.LayerNorm and GPT-2. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GPT-2's GELU, the tanh approximation (HF's `gelu_new`), not the erf form. */
export function gelu(x: tf.Tensor): tf.Tensor {
  // x·x·x, not pow(x, 3): pow's gradient also differentiates the exponent (a Log, a Greater and a
  // Where over the whole [N, 4C] activation), 0.35 s of the small GPT's 5.3 s wasm step.
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** x·W + b for [.., in] activations and Conv1D-layout weights W [in, out] (HF GPT-2's layout). */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor {
  const shape = x.shape;
  const inDim = shape[shape.length - 1];
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w), b);
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
}

/**
 * An additive causal mask [seq, seq]: 0 where the key is at or before the query, else −1e9.
 * −1e9 (not −∞) so that exp underflows to exactly 0 while the gradient stays finite: a later
 * token then has no influence on an earlier position at all.
 */
export function causalMask(seq: number): tf.Tensor2D {
  const m = new Float32Array(seq * seq);
  for (let q = 0; q < seq; q++) for (let k = q + 1; k < seq; k++) m[q * seq + k] = -1e9;
  return tf.tensor2d(m, [seq, seq]);
}

export interface BlockDims { bs: number; seq: number; emb: number; heads: number; dropout: number }

/**
 * Dropout on `x` [bs·folded, …], whose mask rows are the batch's rows: a micro-batch or a replica
 * (its rows of the batch) draws the whole batch's mask for them, so the parts' gradients sum to
 * the batch's. `folded`: attention heads folded into axis 0 beside each batch row.
 */
const dropped = (x: tf.Tensor, drop: Dropout, p: number, folded = 1): tf.Tensor => {
  const m = drop.rowMask(folded > 1 ? [x.shape[0] / folded, folded, ...x.shape.slice(1)] : x.shape, p, 0);
  return m ? tf.mul(x, folded > 1 ? tf.reshape(m, x.shape) : m) : x;
};

/** Causal self-attention of `h` [bs, seq, C] with fused q/k/v weights `attn.w` [C, 3C]. */
function attention(pre: string, p: Params, h: tf.Tensor, mask: tf.Tensor2D, d: BlockDims, drop: Dropout): tf.Tensor {
  const { bs, seq, emb, heads } = d;
  const hd = emb / heads;
  const qkv = linear(h, p.get(`${pre}attn.w`) as tf.Tensor2D, p.get(`${pre}attn.b`) as tf.Tensor1D);
  // [bs, seq, 3, H, D] → [3, bs, H, seq, D]: q, k, v per head, batch and head folded together.
  const parts = tf.unstack(tf.transpose(tf.reshape(qkv, [bs, seq, 3, heads, hd]), [2, 0, 3, 1, 4]));
  const [q, k, v] = parts.map((t) => tf.reshape(t, [bs * heads, seq, hd]) as tf.Tensor3D);
  // The 1/√D scale on q [bs·H, T, D] rather than on the scores [bs·H, T, T]: T/D times fewer values.
  const scores = tf.add(tf.matMul(tf.mul(q, 1 / Math.sqrt(hd)), k, false, true), mask);
  const att = dropped(tf.softmax(scores), drop, d.dropout, heads) as tf.Tensor3D;
  const y = tf.transpose(tf.reshape(tf.matMul(att, v), [bs, heads, seq, hd]), [0, 2, 1, 3]);
  return linear(tf.reshape(y, [bs, seq, emb]), p.get(`${pre}proj.w`) as tf.Tensor2D, p.get(`${pre}proj.b`) as tf.Tensor1D);
}

/** One pre-LayerNorm block: x + attn(ln1(x)), then + mlp(ln2(x)), with residual dropout on each branch. */
export function block(pre: string, p: Params, x: tf.Tensor, mask: tf.Tensor2D, d: BlockDims, drop: Dropout): tf.Tensor {
  const a = attention(pre, p, layerNorm(x, p.get(`${pre}ln1.g`)!, p.get(`${pre}ln1.b`)!), mask, d, drop);
  const x1 = tf.add(x, dropped(a, drop, d.dropout));
  const h = gelu(linear(layerNorm(x1, p.get(`${pre}ln2.g`)!, p.get(`${pre}ln2.b`)!), p.get(`${pre}fc.w`) as tf.Tensor2D, p.get(`${pre}fc.b`) as tf.Tensor1D));
  const m = linear(h, p.get(`${pre}mlp.w`) as tf.Tensor2D, p.get(`${pre}mlp.b`) as tf.Tensor1D);
  return tf.add(x1, dropped(m, drop, d.dropout));
}

export { dropped };
