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
        const soft = tf.exp(tf.sub(xs, l));
        const hot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), v), 'float32');
        return tf.mul(tf.sub(soft, hot), tf.div(dy, n));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}

/** Count of rows whose arg-max equals the target. */
export function correct(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(targets, 'int32')), 'int32')) as tf.Scalar;
}
