import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady, maxAbsDiff } from './tf-env.js';
import { resolveRecurrent } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { adaptiveLoss, adaptiveLogProbs, adaptiveShape } from '../../src/train/adaptive.js';
import { estimateBytes } from '../../src/train/memory.js';
import { WordmillError } from '../../src/errors.js';

const spec = { arch: 'lstm' as const, emb: 8, hidden: 8, layers: 1, tied: false, dropout: 0, adaptive: { cutoffs: [5, 12], div: 2 } };

test('adaptive softmax: cluster shapes follow PyTorch (head = cutoff0 + clusters, tail dims hidden/div^k)', () => {
  const c = resolveRecurrent(spec, 20);
  assert.deepEqual(adaptiveShape(c), { head: 7, tails: [{ start: 5, size: 7, dim: 4 }, { start: 12, size: 8, dim: 2 }] });
  assert.throws(() => resolveRecurrent({ ...spec, tied: true, hidden: 8 }, 20), (e: WordmillError) => e.code === 'WM_ERR_OPTION' && /tied/.test(e.message));
  assert.throws(() => resolveRecurrent({ ...spec, adaptive: { cutoffs: [12, 5] } }, 20), (e: WordmillError) => e.code === 'WM_ERR_OPTION');
  assert.ok(estimateBytes(c, 32, 30) < estimateBytes(resolveRecurrent({ ...spec, adaptive: undefined }, 20), 32, 30) * 2);
});

test('adaptive softmax: log-probs are a distribution, the training loss is their NLL, gradients agree', async () => {
  await wasmReady();
  const c = resolveRecurrent(spec, 20);
  const p = initParams(c, 2);
  const h = tf.tensor2d(Float32Array.from({ length: 9 * 8 }, (_, i) => Math.sin(i * 0.7)), [9, 8]);
  const targets = Int32Array.from([0, 4, 5, 11, 12, 19, 3, 7, 15]);
  const lp = adaptiveLogProbs(c, p, h);
  assert.deepEqual(lp.shape, [9, 20]);
  const sums = tf.sum(tf.exp(lp), 1).dataSync();
  sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5, `row sums to ${s}`));
  const nll = -Array.from(targets).reduce((a, t, r) => a + lp.dataSync()[r * 20 + t], 0) / 9;
  const vars = [...p.values()];
  const fused = tf.variableGrads(() => adaptiveLoss(c, p, h, targets), vars);
  const ref = tf.variableGrads(() => tf.neg(tf.mean(tf.gather(tf.reshape(adaptiveLogProbs(c, p, h), [-1]), tf.tensor1d(Array.from(targets, (t, r) => r * 20 + t), 'int32')))) as tf.Scalar, vars);
  assert.ok(Math.abs(fused.value.dataSync()[0] - nll) < 1e-5);
  for (const k of Object.keys(ref.grads)) assert.ok(maxAbsDiff(fused.grads[k].dataSync(), ref.grads[k].dataSync()) < 1e-5, `gradient of ${k}`);
  tf.dispose([h, lp, fused.value, ref.value, ...Object.values(fused.grads), ...Object.values(ref.grads)]);
  disposeParams(p);
});
