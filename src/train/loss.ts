import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy with a hand-written gradient, (softmax − onehot)/N, computed with the
 * loss (softmaxGrad). Autodiff of logSoftmax + gather costs several extra [N, V] passes; with a
 * large vocabulary the output layer is most of the step. Targets are closed over (no gradient).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const [n, v] = logits.shape;
  const flat = new Int32Array(n);
  for (let i = 0; i < n; i++) flat[i] = i * v + targets[i];
  const f = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const { loss, g } = softmaxGrad(x, targets, flat);
    save([g]);
    return {
      value: tf.div(loss, n) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.div(dy, n)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}

/**
 * Summed softmax cross-entropy of z: [r, V] against targets and its gradient softmax(z) − onehot,
 * at once; z is left as it is. On wasm tfjs's Exp is a scalar loop (~15 ns an element, about 40 % of
 * a 4k-vocabulary LM step) and its broadcasting Sub costs ~6 ns an element, while XNNPACK's
 * Sigmoid is vectorised: so y = z − rowmax is written by one JS pass, exp(y) is σ(y) / (1 − σ(y))
 * from one Sigmoid (y ≤ 0, so 1 − σ(y) ≥ ½: no cancellation), and normalising, the loss and the
 * one-hot are a second JS pass. Elsewhere the same maths as tensor ops. `flat` holds i·V + target.
 */
export function softmaxGrad(z: tf.Tensor2D, targets: Int32Array, flat: Int32Array): { loss: tf.Scalar; g: tf.Tensor2D } {
  const [r, v] = z.shape;
  if (!heapView(z)) {
    const lse = tf.logSumExp(z, 1, true);
    const picked = tf.gather(tf.reshape(z, [-1]), tf.tensor1d(flat, 'int32'));
    const g = tf.sub(tf.exp(tf.sub(z, lse)), tf.oneHot(tf.tensor1d(targets, 'int32'), v, 1, 0, 'float32')) as tf.Tensor2D;
    return { loss: tf.sub(tf.sum(lse), tf.sum(picked)) as tf.Scalar, g };
  }
  const y = tf.zerosLike(z);
  // Every allocation may grow the heap, which detaches views of the old buffer: views are taken after.
  const zh = heapView(z)!;
  let yh = heapView(y)!;
  for (let i = 0; i < r; i++) {
    const o = i * v;
    let m = -Infinity;
    for (let j = o; j < o + v; j++) if (zh[j] > m) m = zh[j];
    for (let j = o; j < o + v; j++) yh[j] = zh[j] - m;
  }
  const g = tf.sigmoid(y) as tf.Tensor2D;
  const gh = heapView(g)!;
  yh = heapView(y)!;
  let loss = 0;
  for (let i = 0; i < r; i++) {
    const o = i * v;
    let sum = 0;
    for (let j = o; j < o + v; j++) { const e = gh[j] / (1 - gh[j]); gh[j] = e; sum += e; }
    const inv = 1 / sum;
    for (let j = o; j < o + v; j++) gh[j] *= inv;
    // −log softmax at the target: log Σ exp(y) − y_target.
    loss += Math.log(sum) - yh[flat[i]];
    gh[flat[i]] -= 1;
  }
  y.dispose();
  return { loss: tf.scalar(loss), g };
}

function heapView(t: tf.Tensor): Float32Array | undefined {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return undefined;
  const b = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
  return b.typedArrayFromHeap?.(t);
}

/** Count of rows whose arg-max equals the target. */
export function correct(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(targets, 'int32')), 'int32')) as tf.Scalar;
}
