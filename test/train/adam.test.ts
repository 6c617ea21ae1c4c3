import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { Adam } from '../../src/train/adam.js';

test('one Adam step follows fastai: dampened moments, bias correction, eps outside the root, true_wd except biases', async () => {
  await wasmReady();
  const params = new Map([['w', tf.variable(tf.tensor1d([1, -2]))], ['b', tf.variable(tf.tensor1d([1]))]]);
  const opt = new Adam(params, new Set(['b']));
  const h = { lr: 0.1, beta1: 0.9, beta2: 0.99, wd: 0.1, eps: 1e-5 };
  const grads = { w: tf.tensor1d([0.5, 0.5]), b: tf.tensor1d([0.5]) };
  opt.apply(grads, h);
  // m = 0.1·g, v = 0.01·g², debiased: m/0.1 = g, v/0.01 = g²; update = lr·g/(|g| + eps).
  const upd = (0.1 * 0.5) / (0.5 + 1e-5);
  const w = params.get('w')!.dataSync();
  assert.ok(Math.abs(w[0] - (1 * (1 - 0.01) - upd)) < 1e-6, `w0 ${w[0]}`);
  assert.ok(Math.abs(w[1] - (-2 * (1 - 0.01) - upd)) < 1e-6, `w1 ${w[1]}`);
  assert.ok(Math.abs(params.get('b')!.dataSync()[0] - (1 - upd)) < 1e-6, 'biases are not decayed');
  assert.equal(opt.step, 1);
  tf.dispose(Object.values(grads));
  opt.dispose();
  for (const v of params.values()) v.dispose();
});
