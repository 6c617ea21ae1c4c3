import * as tf from '@tensorflow/tfjs';
import { hasSoftmaxKernel, SOFTMAX_ROWS } from './softmax-wasm.js';
import { valuesOf } from './kernel-util.js';

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
 * at once; z is left as it is. On wasm one kernel (softmax-wasm.ts) gives softmax(z) and each row's
 * max and sum, and the loss and the one-hot are r values here; elsewhere the same maths as tensor
 * ops. `flat` holds i·V + target.
 */
export function softmaxGrad(z: tf.Tensor2D, targets: Int32Array, flat: Int32Array): { loss: tf.Scalar; g: tf.Tensor2D } {
  const [r, v] = z.shape;
  if (!hasSoftmaxKernel() || z.dtype !== 'float32') {
    const lse = tf.logSumExp(z, 1, true);
    const picked = tf.gather(tf.reshape(z, [-1]), tf.tensor1d(flat, 'int32'));
    const g = tf.sub(tf.exp(tf.sub(z, lse)), tf.oneHot(tf.tensor1d(targets, 'int32'), v, 1, 0, 'float32')) as tf.Tensor2D;
    return { loss: tf.sub(tf.sum(lse), tf.sum(picked)) as tf.Scalar, g };
  }
  const [g, stats] = tf.engine().runKernel(SOFTMAX_ROWS, { z }, {}) as [tf.Tensor2D, tf.Tensor2D];
  // Views after every allocation: growing the heap detaches views of the old buffer.
  const [zh, gh, sh] = [z, g, stats].map(valuesOf);
  let loss = 0;
  for (let i = 0; i < r; i++) {
    // −log softmax at the target: log Σ exp(z − max) + max − z_target.
    loss += Math.log(sh[2 * i + 1]) + sh[2 * i] - zh[flat[i]];
    gh[flat[i]] -= 1;
  }
  stats.dispose();
  return { loss: tf.scalar(loss), g };
}

/** Count of rows whose arg-max equals the target. */
export function correct(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(targets, 'int32')), 'int32')) as tf.Scalar;
}
