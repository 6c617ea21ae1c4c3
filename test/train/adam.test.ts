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

// adam.wat runs the tensor form's operations in its order, each rounded to float32, so wasm (the
// kernel) and cpu (the tensor form: each kernel a float32 pass) give the same bits. Sizes cover
// whole vectors and a tail of 1-3 values; weight decay on and off; a scaled learning rate.
test('the wasm Adam kernel gives the tensor form\'s parameters and moments bit for bit, over several steps', async () => {
  const { on } = await import('./tf-env.js');
  const { hasAdamKernel } = await import('../../src/train/adam-wasm.js');
  const shapes: [string, number[]][] = [['w', [7, 5]], ['b', [3]], ['e', [64]], ['u', [2, 9]]];
  const values = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97 + i * 1.7) * (1 + (i % 5)));
  const run = () => {
    const params = new Map(shapes.map(([k, s], j) => [k, tf.variable(tf.tensor(values(j, tf.util.sizeFromShape(s)), s))]));
    const opt = new Adam(params, new Set(['b']));
    for (let step = 1; step <= 4; step++) {
      const grads = Object.fromEntries(shapes.map(([k, s], j) => [k, tf.tensor(values(step * 10 + j, tf.util.sizeFromShape(s)), s)]));
      opt.apply(grads, { lr: 3e-3 * step, beta1: 0.95 - 0.05 * step, beta2: 0.99, wd: 0.1, eps: 1e-5 }, new Map([['e', 0.25]]));
      tf.dispose(Object.values(grads));
    }
    const out = [...params.values(), ...opt.m.values(), ...opt.v.values()].map((t) => Array.from(t.dataSync()));
    opt.dispose();
    for (const v of params.values()) v.dispose();
    return { out, fused: hasAdamKernel() };
  };
  const wasm = await on('wasm', run);
  const cpu = await on('cpu', run);
  assert.ok(wasm.fused && !cpu.fused, 'wasm runs the kernel and cpu the tensor form');
  assert.deepEqual(wasm.out, cpu.out);
});
