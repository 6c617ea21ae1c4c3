import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { probeWebGPU } from '../../src/train/webgpu-probe.js';
import { selectBackend } from '../../src/train/backend.js';
import { takeWebGPUErrors } from '../../src/train/webgpu.js';
import { resolveModel, resolveRecurrent } from '../../src/train/config.js';
import { initParams, disposeParams, noDecay } from '../../src/train/params.js';
import { decode, Dropout, forward, initState, disposeState } from '../../src/train/model.js';
import { crossEntropy } from '../../src/train/loss.js';
import { lstmLayer } from '../../src/train/lstm-layer.js';
import { adaptiveLoss, adaptiveLogProbs } from '../../src/train/adaptive.js';
import { linearCrossEntropy } from '../../src/train/linear-ce.js';
import { Adam } from '../../src/train/adam.js';
import { trainStep } from '../../src/train/tasks/lm.js';

// Every op wordmill replaces or fuses, on WebGPU against the cpu backend, on small shapes. They
// run wherever Dawn finds an adapter (the probe's smoke test must pass first) and are skipped,
// saying why, elsewhere. On a CPU-only Linux machine with Mesa, WORDMILL_DAWN=backend=opengles
// runs them on llvmpipe through Dawn's OpenGL ES backend (slowly, but on the real shaders).
const probe = probeWebGPU();
const skip = probe.ok ? false : `no WebGPU adapter: ${probe.reason}`;
if (skip) console.log(`# webgpu parity tests skipped: ${skip}`);
let ready: Promise<unknown> | undefined;

type Case = () => tf.Tensor | tf.Tensor[];
/** Runs `f` on cpu and on webgpu, reads every output back (asynchronously) and compares. */
async function parity(f: Case, tol = 1e-5, label = ''): Promise<number[][]> {
  ready ??= selectBackend('webgpu');
  await ready;
  const run = async (backend: string): Promise<{ shapes: number[][]; values: number[][] }> => {
    await tf.setBackend(backend);
    const outs = tf.tidy(() => { const o = f(); return Array.isArray(o) ? o : [o]; });
    const values = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
    const shapes = outs.map((t) => t.shape);
    tf.dispose(outs);
    return { shapes, values };
  };
  const cpu = await run('cpu');
  const gpu = await run('webgpu');
  assert.deepEqual(takeWebGPUErrors(), [], `${label}: Dawn reported errors (their command buffers were dropped)`);
  assert.deepEqual(gpu.shapes, cpu.shapes, `${label} shapes`);
  cpu.values.forEach((v, i) => {
    let m = 0;
    v.forEach((x, j) => { m = Math.max(m, Math.abs(x - gpu.values[i][j])); });
    assert.ok(m <= tol * Math.max(1, ...v.map(Math.abs)), `${label} output ${i}: webgpu differs from cpu by ${m}`);
  });
  return gpu.values;
}

const seq = (n: number, s = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s));

test('matMul in every transposed layout, and fused with a bias (wasm\'s replaced BatchMatMul/_FusedMatMul)', { skip }, async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    await parity(() => tf.matMul(tf.tensor2d(seq(6 * 5), ta ? [5, 6] : [6, 5]), tf.tensor2d(seq(5 * 7, 3), tb ? [7, 5] : [5, 7]), ta, tb), 1e-5, `transposeA ${ta} transposeB ${tb}`);
  }
  await parity(() => tf.fused.matMul({ a: tf.tensor2d(seq(4 * 5), [4, 5]), b: tf.tensor2d(seq(3 * 5, 2), [3, 5]), transposeB: true, bias: tf.tensor1d([1, 2, 3]) }));
  await parity(() => tf.fused.matMul({ a: tf.tensor2d(seq(4 * 5), [4, 5]), b: tf.tensor2d(seq(5 * 3, 2), [5, 3]), bias: tf.tensor2d(seq(12, 5), [4, 3]) }), 1e-5, 'full-size bias');
});

test('float32 oneHot, embedding gathers and the gather gradient (UnsortedSegmentSum)', { skip }, async () => {
  const [hot] = await parity(() => tf.oneHot(tf.tensor1d([2, 0, 1], 'int32'), 3, 1, 0, 'float32'));
  assert.deepEqual(hot, [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  await parity(() => {
    const e = tf.tensor2d(seq(7 * 3), [7, 3]);
    return [tf.gather(e, tf.tensor2d([[6, 0], [3, 3]], [2, 2], 'int32')), tf.gather(tf.reshape(e, [-1]), tf.tensor1d([20, 0, 5], 'int32'))];
  });
  const [g] = await parity(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([1, 4, 1, 9], 'int32')), tf.tensor2d(seq(12, 2), [4, 3]))))(tf.tensor2d(seq(30), [10, 3])));
  assert.notEqual(g[3], 0);
});

test('slices (rank 1–4), unstack and split on any axis, clones (wasm\'s replaced copy kernels)', { skip }, async () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]], [[4, 6], [1, 2], [2, 3]], [[5, 4, 6], [2, 0, 0], [1, -1, -1]], [[5, 4, 6], [1, 1, 2], [3, 2, 3]], [[3, 4, 5, 2], [1, 0, 2, 1], [2, 3, 2, 1]],
  ];
  for (const [shape, begin, size] of cases) await parity(() => tf.slice(tf.tensor(seq(shape.reduce((a, b) => a * b, 1)), shape), begin, size), 0, `slice ${shape}`);
  await parity(() => {
    const x = tf.tensor3d(seq(3 * 4 * 5), [3, 4, 5]);
    return [...tf.unstack(x, 0), ...tf.unstack(x, 1), ...tf.unstack(x, 2), ...tf.split(x, [1, 3, 1], 2), ...tf.split(x, 2, 1), tf.clone(x)];
  }, 0);
});

test('sums (column sums are the bias gradient) and tanh over its whole range', { skip }, async () => {
  await parity(() => { const m = tf.tensor2d(seq(5 * 4, 4), [5, 4]); return [tf.sum(m, 0), tf.sum(m, 0, true), tf.sum(m), tf.sum(m, 1)]; });
  const [t] = await parity(() => tf.tanh(tf.tensor1d([-30, -5, -1, -1e-3, 0, 1e-7, 0.5, 3, 30, ...seq(100)])), 1e-6);
  assert.equal(t[4], 0);
  assert.ok(Math.abs(t[8] - 1) < 1e-6);
});

test('the fused LSTM layer: outputs, final state and both gradients', { skip }, async () => {
  const [S, B, H] = [4, 3, 5];
  await parity(() => {
    const xw = tf.tensor3d(seq(S * B * 4 * H), [S, B, 4 * H]);
    const wh = tf.tensor2d(seq(H * 4 * H, 2).map((v) => v * 0.3), [H, 4 * H]);
    const h0 = tf.tensor2d(seq(B * H, 3), [B, H]), c0 = tf.tensor2d(seq(B * H, 4), [B, H]);
    const final: { h?: tf.Tensor2D; c?: tf.Tensor2D } = {};
    const w = tf.tensor3d(seq(S * B * H, 5), [S, B, H]);
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(lstmLayer(a as tf.Tensor3D, b as tf.Tensor2D, h0, c0, final), w)))([xw, wh]);
    return [value, ...grads, final.h!, final.c!];
  }, 1e-5, 'lstm layer');
});

test('softmax cross-entropy with its hand-written gradient, and the adaptive softmax', { skip }, async () => {
  const targets = Int32Array.from([0, 4, 5, 11, 12, 19, 3, 7, 15]);
  await parity(() => {
    const x = tf.tensor2d(seq(9 * 20).map((v) => 4 * v), [9, 20]);
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => crossEntropy(l as tf.Tensor2D, targets))(x);
    return [value, grad];
  }, 1e-5, 'cross-entropy');
  const c = resolveRecurrent({ arch: 'lstm', emb: 8, hidden: 8, layers: 1, tied: false, dropout: 0, adaptive: { cutoffs: [5, 12], div: 2 } }, 20);
  await parity(() => {
    const p = initParams(c, 2);
    const h = tf.tensor2d(seq(9 * 8), [9, 8]);
    const { value, grads } = tf.variableGrads(() => adaptiveLoss(c, p, h, targets), [...p.values()]);
    const out = [value, ...Object.keys(grads).sort().map((k) => grads[k]), adaptiveLogProbs(c, p, h)];
    disposeParams(p);
    return out;
  }, 1e-5, 'adaptive softmax');
});

test('the chunked output layer and loss (linear-ce) with its gradients, chunks that do not divide the rows', { skip }, async () => {
  const targets = Int32Array.from([0, 4, 5, 11, 12, 19, 3, 7, 15]);
  await parity(() => {
    const h = tf.tensor2d(seq(9 * 6), [9, 6]), w = tf.tensor2d(seq(20 * 6, 2), [20, 6]), b = tf.tensor1d(seq(20, 3));
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => linearCrossEntropy(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D, targets, 4))([h, w, b]);
    return [value, ...grads];
  }, 1e-5, 'linear-ce');
});

for (const arch of ['lstm', 'awd-lstm'] as const) {
  test(`a tiny ${arch} language model: loss and every gradient`, { skip }, async () => {
    const c = resolveModel({ arch, emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0 }, 11);
    const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 11);
    const tgt = Int32Array.from({ length: 12 }, (_, i) => (i * 5 + 1) % 11);
    await parity(() => {
      const p = initParams(c, 7);
      const state = initState(c, 4);
      const { grads, value } = tf.variableGrads(() => {
        const f = forward(c, p, ids, 3, 4, state, new Dropout(false, 0, 0));
        disposeState(f.state);
        return crossEntropy(decode(c, p, f.out), tgt);
      }, [...p.values()]);
      const out = [value, ...Object.keys(grads).sort().map((k) => grads[k])];
      disposeParams(p);
      return out;
    }, 1e-4, arch);
  });
}

test('training steps on WebGPU hold a flat number of tensors and bytes', { skip }, async () => {
  await (ready ??= selectBackend('webgpu'));
  await tf.setBackend('webgpu');
  const c = resolveModel({ arch: 'awd-lstm', emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0.3, alpha: 2, beta: 1 }, 20);
  const p = initParams(c, 3);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, 4);
  const counts: number[] = [];
  const losses: number[] = [];
  for (let k = 0; k < 6; k++) {
    const x = Int32Array.from({ length: 40 }, (_, i) => (i * 7 + k) % 20), y = Int32Array.from({ length: 40 }, (_, i) => (i * 3 + k) % 20);
    const r = await trainStep(c, p, { opt, hyper: { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.1, eps: 1e-5 }, clip: 1 }, { x, y, bs: 4, seqLen: 10 }, state, new Dropout(true, 1, k));
    disposeState(state);
    state = r.state;
    losses.push(r.loss);
    counts.push(tf.memory().numTensors);
  }
  assert.ok(losses.every(Number.isFinite), losses.join(' '));
  assert.deepEqual(takeWebGPUErrors(), []);
  assert.equal(new Set(counts.slice(1)).size, 1, `numTensors per step: ${counts.join(' ')}`);
  disposeState(state); opt.dispose(); disposeParams(p);
});
