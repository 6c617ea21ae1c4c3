import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady, maxAbsDiff, on } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { modelDef } from '../../src/train/models/index.js';
import { Dropout, forward, initState, disposeState } from '../../src/train/model.js';
import { chunkPlan, encodeKept, encodePrefix } from '../../src/train/classifier/sentence-encoder.js';
import { maskedConcatPool, windowMask } from '../../src/train/classifier/pool.js';
import { classifierTask } from '../../src/train/tasks/classifier.js';
import { lrScales, trainableNames } from '../../src/train/groups.js';
import { Adam } from '../../src/train/adam.js';
import { noDecayOf } from '../../src/train/params.js';
import { f1Score } from '../../src/train/classifier/metrics.js';
import type { ClsBatch } from '../../src/types.js';
import type { ModelSpec } from '../../src/pipeline/spec.js';

const PAD = 1;
/** fastai's pad_input_chunk: whole bptt chunks of padding in front, the remainder behind. */
function chunkPadded(docs: number[][], bptt: number, labels: number[] = docs.map(() => 0)): ClsBatch {
  const sl = Math.max(...docs.map((d) => d.length));
  const x = new Int32Array(docs.length * sl).fill(PAD);
  docs.forEach((d, r) => x.set(d, r * sl + Math.floor((sl - d.length) / bptt) * bptt));
  return { kind: 'cls', x, lengths: Int32Array.from(docs.map((d) => d.length)), labels: Int32Array.from(labels), index: Int32Array.from(docs.keys()), bs: docs.length, seqLen: sl };
}

const doc = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 2 + ((i * 7 + seed * 3) % 9));

test('SentenceEncoder: chunked outputs with carried state equal each document read alone, leading and trailing padding masked', async () => {
  await wasmReady();
  for (const arch of ['lstm', 'gru', 'awd-lstm'] as const) {
    const spec: ModelSpec = { arch, emb: 6, hidden: 8, layers: 2, tied: true, dropout: 0 };
    const c = { ...resolveModel(spec, 11, 'encoder'), outputP: 0 };
    const p = initParams(c, 3);
    const bptt = 4, maxLen = 9;
    const docs = [doc(17, 1), doc(11, 2), doc(3, 3), doc(8, 4)];
    const b = chunkPadded(docs, bptt);
    const k = { bptt, maxLen, padId: PAD };
    const sl = b.seqLen;
    assert.deepEqual(chunkPlan(sl, k), { starts: [0, 4, 8, 12, 16], keepFrom: 8 });
    const off = new Dropout(false, 0, 0);
    const pre = encodePrefix(c, p, b.x, b.bs, sl, k, off);
    const out = tf.tidy(() => encodeKept(c, p, b.x, b.bs, sl, k, pre, off));
    const w = windowMask(b.x, b.bs, sl, pre.keepFrom, PAD);
    const pooled = tf.tidy(() => maskedConcatPool(out, w));
    const got = out.arraySync() as number[][][];
    const gotPooled = pooled.arraySync() as number[][];
    const H = modelDef(c.arch).outDim(c);
    docs.forEach((d, r) => {
      // Directly: the document alone, unpadded, in one pass from a zero state.
      const s0 = initState(c, 1);
      const direct = tf.tidy(() => (forward(c, p, Int32Array.from(d), d.length, 1, s0, off).raw.arraySync() as number[][][]).map((row) => row[0]));
      disposeState(s0);
      const lead = Math.floor((sl - d.length) / bptt) * bptt;
      const kept: number[][] = [];
      for (let t = Math.max(lead, pre.keepFrom); t < lead + d.length; t++) {
        const mine = got[t - pre.keepFrom][r];
        assert.ok(maxAbsDiff(mine, direct[t - lead]) < 1e-5, `${arch} doc ${r} position ${t}`);
        kept.push(direct[t - lead]);
        assert.equal(w.mask[(t - pre.keepFrom) * b.bs + r], 1);
      }
      assert.equal(w.lens[r], kept.length, `${arch} doc ${r}: real tokens in the window`);
      const last = kept[kept.length - 1];
      const max = Array.from({ length: H }, (_, h) => Math.max(...kept.map((v) => v[h])));
      const mean = Array.from({ length: H }, (_, h) => kept.reduce((a, v) => a + v[h], 0) / kept.length);
      assert.ok(maxAbsDiff(gotPooled[r], [...last, ...max, ...mean]) < 1e-5, `${arch} doc ${r}: pooled [last, max, mean]`);
    });
    disposeState(pre.state); out.dispose(); pooled.dispose(); disposeParams(p);
  }
});

test('masked concat pooling: gradients on wasm match the cpu backend, none reach padding', async () => {
  const T = 5, bs = 3, H = 4;
  const x = Int32Array.from([5, 6, 7, 1, 1, /**/ 1, 1, 2, 3, 1, /**/ 9, 9, 9, 9, 9]);
  const w = windowMask(x, bs, T, 0, PAD);
  const vals = Float32Array.from({ length: T * bs * H }, (_, i) => Math.sin(i * 1.3));
  const grad = () => tf.tidy(() => {
    const f = (o: tf.Tensor) => tf.sum(tf.mul(maskedConcatPool(o as tf.Tensor3D, w), tf.range(0, 3 * H).reshape([1, 3 * H]).sin()));
    return Array.from(tf.grad(f)(tf.tensor3d(vals, [T, bs, H])).dataSync());
  });
  const a = await on('wasm', grad);
  const b = await on('cpu', grad);
  assert.ok(maxAbsDiff(a, b) < 1e-5);
  for (let t = 0; t < T; t++) for (let r = 0; r < bs; r++) {
    if (w.mask[t * bs + r] === 0) for (let h = 0; h < H; h++) assert.equal(a[(t * bs + r) * H + h], 0, `pad at t ${t} row ${r}`);
  }
});

const CLS_SPEC = { classes: ['neg', 'pos'], bptt: 4, maxLen: 8, linFtrs: [6], padId: PAD };
const tinyEncoder = () => resolveModel({ arch: 'awd-lstm', emb: 6, hidden: 8, layers: 2, tied: true, dropout: 0 }, 11, 'encoder');
const batch = () => chunkPadded([doc(10, 1), doc(9, 2), doc(5, 3), doc(2, 4)], 4, [1, 0, 1, 0]);
const snap = (p: Map<string, tf.Variable>) => new Map([...p].map(([k, v]) => [k, Buffer.from((v.dataSync() as Float32Array).buffer.slice(0))]));

test('freezing: after a step the frozen layer groups are bit-identical, the others move', async () => {
  await wasmReady();
  for (const [freezeTo, moving] of [[-1, ['head']], [-2, ['l1', 'head']], [-3, ['l0', 'l1', 'head']], [undefined, ['emb', 'l0', 'l1', 'head']]] as const) {
    const task = classifierTask(tinyEncoder(), CLS_SPEC, 5);
    assert.deepEqual(task.groups.map((g) => g[0].split('.')[0]), ['emb', 'l0', 'l1', 'head']);
    const opt = new Adam(task.params, noDecayOf(task.shapes));
    const before = snap(task.params);
    const trainable = trainableNames(task.groups, freezeTo, task.buffers);
    await task.train(batch(), { opt, hyper: { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.01, eps: 1e-5 }, clip: undefined, trainable }, new Dropout(true, 1, 0));
    const after = snap(task.params);
    for (const [k, v] of before) {
      const group = k.split('.')[0];
      const same = v.equals(after.get(k)!);
      if (task.buffers.has(k)) assert.equal(same, false, `${k}: BatchNorm running statistics update in training`);
      else if ((moving as readonly string[]).includes(group)) assert.equal(same, false, `freezeTo ${freezeTo}: ${k} should train`);
      else assert.equal(same, true, `freezeTo ${freezeTo}: ${k} should be frozen, bit for bit`);
    }
    opt.dispose(); disposeParams(task.params);
  }
});

test('discriminative learning rates: slice(lo, hi) spreads geometrically over the groups; each group steps at its own rate', async () => {
  await wasmReady();
  const task = classifierTask(tinyEncoder(), CLS_SPEC, 6);
  const hi = 1e-2, lo = hi / 2.6 ** 4;
  const scales = lrScales(task.groups, lo, hi)!;
  const expected = task.groups.map((_, i) => lo * (hi / lo) ** (i / (task.groups.length - 1)));
  task.groups.forEach((g, i) => g.forEach((k) => assert.ok(Math.abs(scales.get(k)! * hi - expected[i]) < 1e-12 * hi, k)));
  assert.ok(Math.abs(expected[task.groups.length - 1] - hi) < 1e-12);
  const opt = new Adam(task.params, noDecayOf(task.shapes));
  const before = new Map([...task.params].map(([k, v]) => [k, v.dataSync().slice()]));
  const trainable = trainableNames(task.groups, undefined, task.buffers);
  await task.train(batch(), { opt, hyper: { lr: hi, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, clip: undefined, trainable, lrScale: scales }, new Dropout(false, 0, 0));
  // Adam's first step moves each weight by lr·g/(|g| + eps) ≈ ±lr: the median move per group is its rate.
  task.groups.forEach((g, i) => {
    const moves: number[] = [];
    for (const k of g) {
      if (task.buffers.has(k)) continue;
      const a = before.get(k)!, b = task.params.get(k)!.dataSync();
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) moves.push(Math.abs(a[j] - b[j]));
    }
    moves.sort((x, y) => x - y);
    const median = moves[Math.floor(moves.length / 2)];
    assert.ok(Math.abs(median / expected[i] - 1) < 0.02, `group ${i}: median step ${median} vs lr ${expected[i]}`);
  });
  opt.dispose(); disposeParams(task.params);
});

test('F1 is the positive class\'s for two classes and the macro average otherwise', () => {
  // rows: true class; columns: predicted. tp 3, fp 1, fn 2 for class 1.
  assert.ok(Math.abs(f1Score([5, 1, 2, 3], 2) - 6 / 9) < 1e-12);
  assert.ok(Math.abs(f1Score([1, 0, 0, 0, 1, 0, 0, 0, 1], 3) - 1) < 1e-12);
});
