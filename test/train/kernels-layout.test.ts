import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, on, maxAbsDiff, wasmReady } from './tf-env.js';
import { simplifyTranspose } from '../../src/train/kernels-transpose.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { decode, Dropout, forward, initState } from '../../src/train/model.js';
import { crossEntropy } from '../../src/train/loss.js';
import type { TrainerModelSpec } from '../../src/train/config.js';

// The wasm Transpose and batched BatchMatMul replacements (kernels-transpose.ts, kernels-batched.ts)
// against the cpu backend.
const seq = (n: number, s = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s));

test('simplifyTranspose drops unit axes and merges axes that stay adjacent', () => {
  const cases: [number[], number[], number[], number[]][] = [
    [[16, 128, 3, 4, 32], [2, 0, 3, 1, 4], [16, 128, 3, 4, 32], [2, 0, 3, 1, 4]],
    [[2, 3, 4], [0, 2, 1], [2, 3, 4], [0, 2, 1]],
    [[2, 3, 4, 5], [0, 1, 3, 2], [6, 4, 5], [0, 2, 1]],
    [[2, 3, 4, 5], [2, 3, 0, 1], [6, 20], [1, 0]],
    [[2, 1, 4], [1, 2, 0], [2, 4], [1, 0]],
    [[1, 5], [1, 0], [5], [0]],
    [[2, 3], [0, 1], [6], [0]],
  ];
  for (const [shape, perm, s, p] of cases) assert.deepEqual(simplifyTranspose(shape, perm), { shape: s, perm: p }, `${shape} by ${perm}`);
});

test('transposes of rank 2–6 (unit axes, merged runs, strided last axis, int32) match cpu', async () => {
  const cases: [number[], number[]][] = [
    [[37, 45], [1, 0]], [[3, 70, 65], [0, 2, 1]], [[4, 5, 6], [2, 0, 1]], [[4, 5, 6], [1, 2, 0]],
    [[2, 3, 4, 5], [0, 2, 1, 3]], [[2, 3, 4, 5], [3, 1, 0, 2]], [[2, 1, 4, 1], [3, 2, 1, 0]],
    [[4, 6, 3, 2, 5], [2, 0, 3, 1, 4]], [[3, 2, 4, 2, 5], [1, 3, 0, 4, 2]], [[2, 3, 1, 2, 3, 2], [5, 4, 3, 2, 1, 0]],
    [[3, 0, 2], [2, 1, 0]], [[5, 3, 2, 4, 2, 3], [0, 2, 1, 4, 3, 5]], [[6, 2, 1, 3, 4], [3, 1, 0, 2, 4]],
    // Past kernels-transpose.ts's size for tiled 2-D swaps (uneven tiles at both edges).
    [[1030, 1025], [1, 0]], [[2, 1030, 1025], [0, 2, 1]],
  ];
  for (const [shape, perm] of cases) {
    for (const dtype of ['float32', 'int32'] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const run = () => tf.tidy(() => {
        const x = dtype === 'int32' ? tf.tensor(Int32Array.from({ length: n }, (_, i) => i * 3 - 7), shape, 'int32') : tf.tensor(seq(n), shape);
        const y = tf.transpose(x, perm);
        return { shape: y.shape, data: Array.from(y.dataSync()) };
      });
      const cpu = await on('cpu', run), wasm = await on('wasm', run);
      assert.deepEqual(wasm.shape, cpu.shape);
      assert.deepEqual(wasm.data, cpu.data, `${dtype} ${shape} by ${perm}`);
    }
  }
});

test('batched matMuls (per-batch, shared right operand, shared left operand, transposed, rank 4) match cpu', async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4, 5], [3, 5, 6], false, false], [[3, 4, 5], [3, 6, 5], false, true], [[3, 5, 4], [3, 5, 6], true, false],
    [[3, 5, 4], [3, 6, 5], true, true], [[2, 3, 4, 5], [2, 3, 5, 7], false, false], [[3, 4, 5], [1, 5, 6], false, false],
    [[3, 4, 5], [5, 6], false, false], [[1, 4, 5], [3, 5, 6], false, false], [[4, 5], [3, 5, 6], false, false],
    [[2, 1, 1], [2, 1, 3], false, false],
    // Past kernels-batched.ts's size threshold: one XNNPACK product per batch.
    [[3, 32, 24], [3, 24, 40], false, false], [[2, 2, 32, 24], [2, 2, 40, 24], false, true], [[3, 24, 32], [3, 24, 40], true, false],
    [[1, 32, 24], [3, 24, 40], false, false], [[32, 24], [3, 24, 40], false, false], [[3, 32, 24], [24, 40], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const run = () => tf.tidy(() => {
      const a = tf.tensor(seq(sa.reduce((x, y) => x * y, 1)), sa);
      const b = tf.tensor(seq(sb.reduce((x, y) => x * y, 1), 2), sb);
      const y = tf.matMul(a, b, ta, tb);
      return { shape: y.shape, data: Array.from(y.dataSync()) };
    });
    const cpu = await on('cpu', run), wasm = await on('wasm', run);
    assert.deepEqual(wasm.shape, cpu.shape, `${sa} x ${sb}`);
    assert.ok(maxAbsDiff(wasm.data, cpu.data) < 1e-5, `${sa} x ${sb} transposeA ${ta} transposeB ${tb}`);
  }
  // The per-batch path frees what it allocates.
  await wasmReady();
  const before = tf.memory().numBytes;
  tf.tidy(() => tf.matMul(tf.ones([8, 32, 32]), tf.ones([8, 32, 32])).dataSync());
  assert.equal(tf.memory().numBytes, before);
});

test('a small GPT (attention, 5-D q/k/v split, batched products) has the same gradients on wasm and cpu', async () => {
  const V = 13;
  // Head width 32 and 32 positions: the attention products are past the per-batch threshold.
  const c = resolveModel({ arch: 'gpt', emb: 64, layers: 2, heads: 2, context: 32, dropout: 0 } as TrainerModelSpec, V);
  const T = 32, B = 2;
  const ids = Int32Array.from({ length: T * B }, (_, i) => (i * 7) % V);
  const tgt = Int32Array.from({ length: T * B }, (_, i) => (i * 5 + 1) % V);
  const run = () => {
    const p = initParams(c, 3);
    const { grads, value } = tf.variableGrads(() => {
      const f = forward(c, p, ids, T, B, initState(c, B), new Dropout(false, 0, 0));
      return crossEntropy(decode(c, p, f.out), tgt);
    });
    const out = { loss: value.dataSync()[0], grads: Object.keys(grads).sort().map((k) => Array.from(grads[k].dataSync())) };
    tf.dispose([value, ...Object.values(grads)]);
    disposeParams(p);
    return out;
  };
  const cpu = await on('cpu', run), wasm = await on('wasm', run);
  assert.ok(Math.abs(cpu.loss - wasm.loss) < 1e-5, `loss ${wasm.loss} vs ${cpu.loss}`);
  for (let i = 0; i < cpu.grads.length; i++) assert.ok(maxAbsDiff(cpu.grads[i], wasm.grads[i]) < 1e-5, `gradient ${i}`);
});
