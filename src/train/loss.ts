import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy with a hand-written gradient, (softmax − onehot)/N. Autodiff of
 * logSoftmax + gather costs several extra [N, V] passes; with a large vocabulary the output layer
 * is most of the step, so this halves it. Targets are closed over (they need no gradient).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const [n, v] = logits.shape;
  const flat = new Int32Array(n);
  for (let i = 0; i < n; i++) flat[i] = i * v + targets[i];
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const lse = tf.logSumExp(x, 1, true);
    const picked = tf.gather(tf.reshape(x, [-1]), tf.tensor1d(flat, 'int32'));
    const value = tf.mean(tf.sub(tf.reshape(lse, [-1]), picked)) as tf.Scalar;
    save([x, lse]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, l] = saved;
        const scaled = tf.mul(tf.exp(tf.sub(xs, l)), tf.div(dy, n));
        const heap = heapView(scaled);
        if (!heap) {
          const hot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), v), 'float32');
          return tf.sub(scaled, tf.mul(hot, tf.div(dy, n)));
        }
        // On wasm, subtract the one-hot in place: N writes instead of three more [N, V] passes
        // (oneHot, cast, sub). `scaled` is a fresh tensor nothing else references.
        const s = dy.dataSync()[0] / n;
        for (let i = 0; i < n; i++) heap[flat[i]] -= s;
        return scaled;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
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
