import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, on, maxAbsDiff, wasmReady } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { decode, Dropout, forward, initState } from '../../src/train/model.js';
import { crossEntropy } from '../../src/train/loss.js';

// Each tfjs-backend-wasm 4.22 defect the trainer works around, checked against the cpu backend.
const seq = (n: number, s = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s));

test('gather gradient (UnsortedSegmentSum) matches cpu', async () => {
  const run = () => tf.tidy(() => {
    const w = tf.tensor2d(seq(10 * 3), [10, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([1, 4, 1, 9], 'int32')), tf.tensor2d(seq(12, 2), [4, 3]))))(w);
    return Array.from(g.dataSync());
  });
  const cpu = await on('cpu', run);
  const wasm = await on('wasm', run);
  assert.ok(maxAbsDiff(cpu, wasm) < 1e-6, `wasm ${wasm} vs cpu ${cpu}`);
  assert.notEqual(cpu[3], 0);
});

test('transposed matMul matches cpu', async () => {
  for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
    const run = () => tf.tidy(() => {
      const a = tf.tensor2d(seq(6 * 5), ta ? [5, 6] : [6, 5]);
      const b = tf.tensor2d(seq(5 * 7, 3), tb ? [7, 5] : [5, 7]);
      return Array.from(tf.matMul(a, b, ta, tb).dataSync());
    });
    assert.ok(maxAbsDiff(await on('cpu', run), await on('wasm', run)) < 1e-5, `transposeA ${ta} transposeB ${tb}`);
  }
});

test('fused matMul with transposeB and bias matches cpu', async () => {
  const run = () => tf.tidy(() => {
    const a = tf.tensor2d(seq(4 * 5), [4, 5]);
    const b = tf.tensor2d(seq(3 * 5, 2), [3, 5]);
    return Array.from(tf.fused.matMul({ a, b, transposeB: true, bias: tf.tensor1d([1, 2, 3]) }).dataSync());
  });
  assert.ok(maxAbsDiff(await on('cpu', run), await on('wasm', run)) < 1e-5);
});

test('float32 oneHot matches cpu', async () => {
  const run = () => tf.tidy(() => Array.from(tf.oneHot(tf.tensor1d([2, 0, 1], 'int32'), 3, 1, 0, 'float32').dataSync()));
  assert.deepEqual(await on('wasm', run), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  assert.deepEqual(await on('cpu', run), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
});

test('a tiny tied LSTM language model has the same gradients on wasm and cpu', async () => {
  await wasmReady();
  const c = resolveModel({ arch: 'lstm', emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0 }, 11);
  const ids = Int32Array.from({ length: 3 * 4 }, (_, i) => (i * 7) % 11);
  const tgt = Int32Array.from({ length: 3 * 4 }, (_, i) => (i * 5 + 1) % 11);
  const run = () => {
    const p = initParams(c, 7);
    const state = initState(c, 4);
    const { grads, value } = tf.variableGrads(() => {
      const f = forward(c, p, ids, 3, 4, state, new Dropout(false, 0, 0));
      return crossEntropy(decode(c, p, f.out), tgt);
    }, [...p.values()]);
    const out = Object.values(grads).map((g) => Array.from(g.dataSync()));
    const loss = value.dataSync()[0];
    tf.dispose([...Object.values(grads), value, ...state.flat()]);
    disposeParams(p);
    return { out, loss };
  };
  const cpu = await on('cpu', run);
  const wasm = await on('wasm', run);
  assert.ok(Math.abs(cpu.loss - wasm.loss) < 1e-5);
  assert.equal(cpu.out.length, wasm.out.length);
  cpu.out.forEach((g, i) => assert.ok(maxAbsDiff(g, wasm.out[i]) < 1e-4, `gradient ${i} differs`));
});

test('slices (contiguous and strided, rank 1–4) match cpu', async () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]], [[4, 6], [1, 2], [2, 3]], [[5, 4, 6], [2, 0, 0], [1, -1, -1]], [[5, 4, 6], [1, 1, 2], [3, 2, 3]], [[3, 4, 5, 2], [1, 0, 2, 1], [2, 3, 2, 1]],
  ];
  for (const [shape, begin, size] of cases) {
    const run = () => tf.tidy(() => Array.from(tf.slice(tf.tensor(seq(shape.reduce((a, b) => a * b, 1)), shape), begin, size).dataSync()));
    assert.deepEqual(await on('wasm', run), await on('cpu', run), `shape ${shape} begin ${begin} size ${size}`);
  }
});

test('a clone (shared, not copied) outlives its source and frees memory only when both are gone', async () => {
  await on('wasm', () => {
    const before = tf.memory().numBytes;
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3]);
    b.dispose();
    assert.equal(tf.memory().numBytes, before);
  });
});

test('unstack and split (uneven sizes, any axis) match cpu', async () => {
  const run = () => tf.tidy(() => {
    const x = tf.tensor3d(seq(3 * 4 * 5), [3, 4, 5]);
    const parts = [...tf.unstack(x, 0), ...tf.unstack(x, 1), ...tf.unstack(x, 2), ...tf.split(x, [1, 3, 1], 2), ...tf.split(x, 2, 1)];
    return parts.map((t) => [t.shape, Array.from(t.dataSync())]);
  });
  assert.deepEqual(await on('wasm', run), await on('cpu', run));
});

test('embedding gather, column sums and full sums match cpu', async () => {
  const run = () => tf.tidy(() => {
    const e = tf.tensor2d(seq(7 * 3), [7, 3]);
    const ids = tf.tensor2d([[6, 0], [3, 3]], [2, 2], 'int32');
    const m = tf.tensor2d(seq(5 * 4, 4), [5, 4]);
    return [tf.gather(e, ids), tf.gather(tf.reshape(e, [-1]), tf.tensor1d([20, 0, 5], 'int32')), tf.sum(m, 0), tf.sum(m, 0, true), tf.sum(m), tf.sum(m, 1)]
      .map((t) => [t.shape, Array.from(t.dataSync())]);
  });
  const wasm = await on('wasm', run);
  const cpu = await on('cpu', run);
  wasm.forEach(([shape, v], i) => {
    assert.deepEqual(shape, cpu[i][0]);
    assert.ok(maxAbsDiff(v as number[], cpu[i][1] as number[]) < 1e-5, `case ${i}`);
  });
  await assert.rejects(on('wasm', () => tf.gather(tf.tensor2d([[1], [2]]), tf.tensor1d([2], 'int32')).dataSync()), /index value 2/);
});

test('tanh (through the vectorised sigmoid) matches cpu, including large and tiny inputs', async () => {
  const run = () => tf.tidy(() => Array.from(tf.tanh(tf.tensor1d([-30, -5, -1, -1e-3, 0, 1e-7, 0.5, 3, 30, ...seq(100)])).dataSync()));
  const wasm = await on('wasm', run);
  assert.ok(maxAbsDiff(wasm, await on('cpu', run)) < 1e-6);
  assert.equal(wasm[4], 0);
  assert.equal(wasm[8], 1);
});
