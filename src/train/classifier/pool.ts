import * as tf from '@tensorflow/tfjs';

/**
 * Where each row's real tokens are in the kept window, from the padded ids (fastai's mask is
 * `input == pad_idx` too): `mask` time-major [T·bs] (1 real, 0 pad), real-token counts, and each
 * row's last real position. Rows without a real token (empty documents) pool position T − 1 over a
 * count of 1, so they give finite features instead of NaN.
 */
export function windowMask(x: Int32Array, bs: number, sl: number, from: number, padId: number): { mask: Float32Array; lens: Float32Array; last: Int32Array; T: number } {
  const T = sl - from;
  const mask = new Float32Array(T * bs);
  const lens = new Float32Array(bs);
  const last = new Int32Array(bs).fill(T - 1);
  for (let b = 0; b < bs; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (x[b * sl + from + t] !== padId) { mask[t * bs + b] = 1; n++; last[b] = t; }
    }
    lens[b] = Math.max(n, 1);
  }
  return { mask, lens, last, T };
}

/**
 * fastai's masked_concat_pool: [last, max, mean] of the encoder outputs over real tokens only,
 * `out` time-major [T, bs, H] → [bs, 3H]. "Last" is each row's last real token (fastai indexes
 * `-last_lens-1` from the pads in the final bptt window, which is the same position whenever the
 * row's leading padding lies outside that window).
 */
export function maskedConcatPool(out: tf.Tensor3D, w: { mask: Float32Array; lens: Float32Array; last: Int32Array; T: number }): tf.Tensor2D {
  const [T, bs, H] = out.shape;
  const m = tf.tensor3d(w.mask, [T, bs, 1]);
  const mean = tf.div(tf.sum(tf.mul(out, m), 0), tf.tensor2d(w.lens, [bs, 1]));
  // Pads are pushed far below any activation, so max never picks one (and gets no gradient).
  const max = tf.max(tf.add(out, tf.mul(tf.sub(m, 1), 1e30)), 0);
  const rows = Int32Array.from(w.last, (t, b) => t * bs + b);
  const last = tf.gather(tf.reshape(out, [T * bs, H]), tf.tensor1d(rows, 'int32'));
  return tf.concat([last, max, mean], 1) as tf.Tensor2D;
}
