import * as tf from '@tensorflow/tfjs';
import type { RecurrentConfig } from './models/recurrent.js';
import type { Params } from './params.js';
import { crossEntropy } from './loss.js';

/**
 * Adaptive softmax (Grave et al. 2017; PyTorch's AdaptiveLogSoftmaxWithLoss): the most frequent
 * `cutoffs[0]` words and one entry per tail cluster form the head; cluster i covers ids
 * [cutoffs[i], cutoffs[i+1]) through a projection to hidden/div^(i+1) dimensions. Training only
 * computes a cluster's logits for the rows whose target falls in it, so with a Zipfian vocabulary
 * the output layer costs a fraction of the full softmax. Ids must be in frequency order (they are:
 * fastai vocabularies are sorted by count after the specials).
 */
interface AdaptiveShape { head: number; tails: { start: number; size: number; dim: number }[] }

export function adaptiveShape(c: RecurrentConfig): AdaptiveShape {
  const H = c.hidden[c.hidden.length - 1];
  const bounds = [...c.cutoffs, c.vocab];
  return {
    head: c.cutoffs[0] + c.cutoffs.length,
    tails: c.cutoffs.map((start, i) => ({ start, size: bounds[i + 1] - start, dim: Math.max(1, Math.floor(H / Math.pow(c.divValue, i + 1))) })),
  };
}

/** Mean negative log-likelihood of `targets` for hidden rows `h` [N, H]. */
export function adaptiveLoss(c: RecurrentConfig, p: Params, h: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const s = adaptiveShape(c);
  const n = targets.length;
  const headT = new Int32Array(n);
  const rows: number[][] = s.tails.map(() => []);
  for (let r = 0; r < n; r++) {
    const t = targets[r];
    if (t < c.cutoffs[0]) { headT[r] = t; continue; }
    let k = 0;
    while (k + 1 < s.tails.length && t >= s.tails[k + 1].start) k++;
    headT[r] = c.cutoffs[0] + k;
    rows[k].push(r);
  }
  const head = tf.add(tf.matMul(h, p.get('ada.head.w')!), p.get('ada.head.b')!) as tf.Tensor2D;
  let total = tf.mul(crossEntropy(head, headT), n) as tf.Scalar;
  s.tails.forEach((tail, k) => {
    const idx = rows[k];
    if (idx.length === 0) return;
    const hk = tf.gather(h, tf.tensor1d(idx, 'int32'));
    const logits = tf.matMul(tf.matMul(hk, p.get(`ada.t${k}.proj`)!), p.get(`ada.t${k}.out`)!) as tf.Tensor2D;
    const local = Int32Array.from(idx, (r) => targets[r] - tail.start);
    total = tf.add(total, tf.mul(crossEntropy(logits, local), idx.length));
  });
  return tf.div(total, n);
}

/** Full log-probabilities [N, V] (for evaluation and sampling, where every word is needed). */
export function adaptiveLogProbs(c: RecurrentConfig, p: Params, h: tf.Tensor2D): tf.Tensor2D {
  const s = adaptiveShape(c);
  const head = tf.logSoftmax(tf.add(tf.matMul(h, p.get('ada.head.w')!), p.get('ada.head.b')!));
  const parts: tf.Tensor[] = [tf.slice(head, [0, 0], [-1, c.cutoffs[0]])];
  s.tails.forEach((_, k) => {
    const lp = tf.logSoftmax(tf.matMul(tf.matMul(h, p.get(`ada.t${k}.proj`)!), p.get(`ada.t${k}.out`)!));
    parts.push(tf.add(lp, tf.slice(head, [0, c.cutoffs[0] + k], [-1, 1])));
  });
  return tf.concat(parts, 1) as tf.Tensor2D;
}
