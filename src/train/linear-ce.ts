import * as tf from '@tensorflow/tfjs';
import { softmaxGrad } from './loss.js';

/**
 * The output layer and its loss as one op over row chunks: mean softmax cross-entropy of
 * logits = h·wᵀ + b ([N, V]) without the [N, V] logits ever existing whole. Each chunk of
 * `chunkRows` rows computes its logits, its share of the loss and, at once, its gradient
 * (softmax − onehot), which is folded into dh, dwᵀ and db before the next chunk; the backward pass
 * only scales those by the upstream gradient. The matMul work equals autodiff's (one forward, two
 * backward products per chunk), and the peak is one chunk of logits instead of ~6 × [N, V].
 *
 * h: [N, H]; w: [V, H] (the tied embedding or the decoder, stored like PyTorch's Linear); b: [V].
 */
export function linearCrossEntropy(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, targets: Int32Array, chunkRows: number): tf.Scalar {
  const [n, hid] = h.shape;
  const v = w.shape[0];
  const rows = Math.max(1, Math.min(n, Math.floor(chunkRows)));
  const f = tf.customGrad(((hIn: tf.Tensor2D, wIn: tf.Tensor2D, bIn: tf.Tensor1D, save: tf.GradSaveFunc) => {
    // [H, V] once: every chunk's forward product is then a plain h·wt, the fast layout on wasm.
    const wt = tf.transpose(wIn) as tf.Tensor2D;
    let dwt: tf.Tensor2D = tf.zeros([hid, v]);
    let db: tf.Tensor1D = tf.zeros([v]);
    let lossSum: tf.Scalar = tf.scalar(0);
    const dhs: tf.Tensor2D[] = [];
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r = Math.min(rows, n - r0);
      const next = tf.tidy(() => {
        const hc = tf.slice(hIn, [r0, 0], [r, hid]);
        const flat = new Int32Array(r);
        for (let i = 0; i < r; i++) flat[i] = i * v + targets[r0 + i];
        const { loss: chunkLoss, g } = softmaxGrad(tf.fused.matMul({ a: hc, b: wt, bias: bIn }) as tf.Tensor2D, targets.subarray(r0, r0 + r), flat);
        const loss = tf.add(lossSum, chunkLoss) as tf.Scalar;
        return {
          loss,
          dh: tf.matMul(g, wIn) as tf.Tensor2D,
          dwt: tf.add(dwt, tf.matMul(tf.transpose(hc), g)) as tf.Tensor2D,
          db: tf.add(db, tf.sum(g, 0)) as tf.Tensor1D,
        };
      });
      lossSum.dispose(); dwt.dispose(); db.dispose();
      ({ loss: lossSum, dwt, db } = next);
      dhs.push(next.dh);
    }
    const dh = dhs.length === 1 ? dhs[0] : tf.concat(dhs, 0);
    if (dhs.length > 1) dhs.forEach((t) => t.dispose());
    const dw = tf.transpose(dwt);
    dwt.dispose(); wt.dispose();
    const value = tf.div(lossSum, n) as tf.Scalar;
    lossSum.dispose();
    save([dh, dw, db]);
    return {
      value,
      // The loss is linear in the saved gradients: the backward pass is three scalings by dy / N.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const s = tf.div(dy, n);
        return saved.map((t) => tf.mul(t, s));
      }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(h, w, b) as tf.Scalar;
}
