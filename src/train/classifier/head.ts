import * as tf from '@tensorflow/tfjs';
import type { ParamShape, Params } from '../params.js';
import { uniform } from '../rng.js';
import type { Dropout } from '../dropout.js';

/**
 * fastai's PoolingLinearClassifier after the pooling: one LinBnDrop per layer, BatchNorm → dropout
 * → linear (no bias: the BatchNorm has one) → ReLU between layers. Dims `[3·H, ...linFtrs, classes]`,
 * dropouts `ps` (fastai: the encoder's output_p for the first, 0.1 for the others).
 */
export interface HeadConfig { dims: number[]; ps: number[] }

export const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

export function headShapes(h: HeadConfig): ParamShape[] {
  const out: ParamShape[] = [];
  for (let i = 0; i < h.dims.length - 1; i++) {
    const n = h.dims[i], o = h.dims[i + 1];
    // fastai's BatchNorm: weight 1, bias 1e-3; running statistics PyTorch's zeros and ones.
    out.push({ name: `head.bn${i}.w`, shape: [n], decay: false, init: () => new Float32Array(n).fill(1) });
    out.push({ name: `head.bn${i}.b`, shape: [n], decay: false, init: () => new Float32Array(n).fill(1e-3) });
    out.push({ name: `head.bn${i}.mean`, shape: [n], decay: false, init: () => new Float32Array(n) });
    out.push({ name: `head.bn${i}.var`, shape: [n], decay: false, init: () => new Float32Array(n).fill(1) });
    // nn.Linear's default init: uniform(±1/√fan_in).
    out.push({ name: `head.lin${i}.w`, shape: [n, o], decay: true, init: (r) => uniform(n * o, 1 / Math.sqrt(n), r) });
  }
  return out;
}

/** The BatchNorm running statistics: state, not trained. */
export const headBuffers = (h: HeadConfig): string[] =>
  h.dims.slice(0, -1).flatMap((_, i) => [`head.bn${i}.mean`, `head.bn${i}.var`]);

export interface BatchStats { mean: tf.Tensor1D; variance: tf.Tensor1D; n: number }

/**
 * pooled [bs, dims[0]] → logits [bs, classes]. In training each BatchNorm normalises with the
 * batch's statistics and reports them (kept, for updateRunning); a batch of one row cannot, so it
 * uses the running ones, as evaluation does.
 */
export function headForward(h: HeadConfig, p: Params, pooled: tf.Tensor2D, training: boolean, drop: Dropout, stats?: BatchStats[]): tf.Tensor2D {
  let x: tf.Tensor2D = pooled;
  const bs = pooled.shape[0];
  for (let i = 0; i < h.dims.length - 1; i++) {
    let mean: tf.Tensor, variance: tf.Tensor;
    if (training && bs > 1) {
      mean = tf.mean(x, 0);
      variance = tf.mean(tf.square(tf.sub(x, mean)), 0);
      stats?.push({ mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D, n: bs });
    } else {
      mean = p.get(`head.bn${i}.mean`)!;
      variance = p.get(`head.bn${i}.var`)!;
    }
    x = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), p.get(`head.bn${i}.w`)!), p.get(`head.bn${i}.b`)!) as tf.Tensor2D;
    const m = drop.mask(x.shape, h.ps[i]);
    if (m) x = tf.mul(x, m) as tf.Tensor2D;
    x = tf.matMul(x, p.get(`head.lin${i}.w`)! as tf.Tensor2D);
    if (i < h.dims.length - 2) x = tf.relu(x);
  }
  return x;
}

/** PyTorch's running statistics update: momentum 0.1, the unbiased batch variance. */
export function updateRunning(p: Params, stats: BatchStats[]): void {
  tf.tidy(() => stats.forEach((s, i) => {
    const rm = p.get(`head.bn${i}.mean`)!;
    const rv = p.get(`head.bn${i}.var`)!;
    rm.assign(tf.add(tf.mul(rm, 1 - BN_MOMENTUM), tf.mul(s.mean, BN_MOMENTUM)));
    rv.assign(tf.add(tf.mul(rv, 1 - BN_MOMENTUM), tf.mul(s.variance, (BN_MOMENTUM * s.n) / (s.n - 1))));
  }));
  for (const s of stats) { s.mean.dispose(); s.variance.dispose(); }
}
