import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleAt, ONE_CYCLE } from '../../src/train/schedule.js';
import { tf, wasmReady } from './tf-env.js';
import { clipByGlobalNorm } from '../../src/train/adam.js';

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12), `${a} != ${b}`);

test('one-cycle follows fastai: lr/25 → lr at 25% → lr/1e5, momentum 0.95 → 0.85 → 0.95', () => {
  assert.deepEqual(ONE_CYCLE, { div: 25, divFinal: 1e5, pctStart: 0.25, moms: [0.95, 0.85, 0.95] });
  const lr = 1e-2;
  close(scheduleAt('one-cycle', lr, 0.9, 0).lr, lr / 25);
  close(scheduleAt('one-cycle', lr, 0.9, 0).beta1, 0.95);
  close(scheduleAt('one-cycle', lr, 0.9, 0.25).lr, lr);
  close(scheduleAt('one-cycle', lr, 0.9, 0.25).beta1, 0.85);
  close(scheduleAt('one-cycle', lr, 0.9, 1).lr, lr / 1e5);
  close(scheduleAt('one-cycle', lr, 0.9, 1).beta1, 0.95);
  // Cosine halfway through each phase: the mean of its ends.
  close(scheduleAt('one-cycle', lr, 0.9, 0.125).lr, (lr / 25 + lr) / 2);
  close(scheduleAt('one-cycle', lr, 0.9, 0.625).lr, (lr + lr / 1e5) / 2);
  close(scheduleAt('one-cycle', lr, 0.9, 0.625).beta1, 0.9);
});

test('constant schedule keeps lr and beta1', () => {
  assert.deepEqual(scheduleAt('constant', 3e-3, 0.8, 0.7), { lr: 3e-3, beta1: 0.8 });
});

test('clipping scales gradients to the global norm and leaves small ones alone', async () => {
  await wasmReady();
  const big = clipByGlobalNorm({ a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }, 1);
  close(big.a.dataSync()[0], 0.6, 1e-5);
  close(big.b.dataSync()[1], 0.8, 1e-5);
  const small = clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
  close(small.a.dataSync()[1], 0.4, 1e-5);
  tf.dispose([...Object.values(big), ...Object.values(small)]);
});
