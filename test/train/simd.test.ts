/**
 * src/train/simd/: the committed bytes against the .wat they come from, each module on the wasm
 * backend's own heap, and the LSTM layer's kernels (src/train/lstm-wasm.ts): the SIMD gate pass
 * (any h a multiple of 4) and its JS fallback (other h) against autodiff of the per-step cell.
 * adam.wat is checked against the tensor form in adam.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady, maxAbsDiff } from './tf-env.js';
import { resolveRecurrent } from '../../src/train/config.js';
import { initParams, disposeParams } from '../../src/train/params.js';
import { decode, Dropout, forward, setFusedLstm } from '../../src/train/model.js';
import { crossEntropy } from '../../src/train/loss.js';
import { maskModule, simdModule, sumModule } from '../../src/train/simd/load.js';
import { assemble, MODULES } from '../../src/train/simd/assemble.js';
import { WASM } from '../../src/train/simd/bytes.js';
import { fastTanh } from '../../src/train/lstm-wasm.js';

test('bytes.ts is every .wat assembled (npm run wasm), for a plain and a shared heap', async () => {
  const built = await assemble();
  assert.deepEqual(Object.keys(WASM).sort(), [...MODULES].sort());
  for (const name of MODULES) {
    assert.equal(WASM[name].plain, built[name].plain, `run \`npm run wasm\` after editing ${name}.wat`);
    assert.equal(WASM[name].shared, built[name].shared);
    // mask.wat and sum.wat own their memories: one build serves both.
    if (name === 'mask' || name === 'sum') assert.equal(built[name].plain, built[name].shared);
    else assert.notEqual(built[name].plain, built[name].shared);
  }
});

test('every SIMD module loads on the wasm backend\'s own heap', async () => {
  await wasmReady();
  for (const name of ['adam', 'lstm', 'softmax'] as const) assert.ok(simdModule(name, (tf.backend() as unknown as { wasm: unknown }).wasm), `${name}.wat does not load: its kernels would fall back`);
  assert.ok(maskModule(), 'mask.wat does not load: masks would be drawn in JS');
  assert.ok(sumModule(), 'sum.wat does not load: replicas would sum gradients in JS');
});

test('fastTanh is tanh to 3e-7 over the whole line (the clamp at ±7.905 costs the most), odd, and 0 at 0', () => {
  let worst = 0;
  for (let x = -12; x <= 12; x += 1 / 1024) worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
  assert.ok(worst < 3e-7, `max error ${worst}`);
  for (const x of [0.1, 1.7, 5, 40]) assert.equal(fastTanh(-x), -fastTanh(x));
  assert.equal(fastTanh(0), 0);
});

// Widths: 8 and 12 run lstm.wat (two and three SIMD vectors a gate), 6 the JS loops. Two layers,
// a carried non-zero state and more steps than one, so every path of both loops is crossed.
// The last case is one token: one step each way, no recurrent product going back.
for (const [hidden, seq, bs] of [[8, 7, 3], [12, 7, 3], [6, 7, 3], [8, 1, 1]]) {
  test(`LSTM layer kernels, hidden ${hidden}, ${seq} steps of ${bs}: loss, final state and every gradient match autodiff of the per-step cell`, async () => {
    await wasmReady();
    const c = resolveRecurrent({ arch: 'lstm', emb: 5, hidden, layers: 2, tied: false, dropout: 0 }, 11);
    const ids = Int32Array.from({ length: seq * bs }, (_, i) => (i * 5 + 2) % 11);
    const tgt = Int32Array.from({ length: seq * bs }, (_, i) => (i * 7 + 1) % 11);
    const run = (fused: boolean) => {
      setFusedLstm(fused);
      try {
        const p = initParams(c, 4);
        const state = c.hidden.map((h) => [tf.randomUniform([bs, h], -0.5, 0.5, 'float32', 1), tf.randomUniform([bs, h], -2, 2, 'float32', 2)] as tf.Tensor2D[]);
        let finals: number[][] = [];
        let carried: tf.Tensor[] = [];
        const { grads, value } = tf.variableGrads(() => {
          const f = forward(c, p, ids, seq, bs, state, new Dropout(false, 0, 0));
          carried = f.state.flat();
          finals = carried.map((t) => Array.from(t.dataSync()));
          return crossEntropy(decode(c, p, f.out), tgt);
        }, [...p.values()]);
        const names = [...p.keys()];
        const out = Object.values(grads).map((g, i) => [names[i], Array.from(g.dataSync())] as const);
        const loss = value.dataSync()[0];
        tf.dispose([...Object.values(grads), value, ...state.flat(), ...carried]);
        disposeParams(p);
        return { out, loss, finals };
      } finally { setFusedLstm(true); }
    };
    const before = tf.memory().numTensors;
    const a = run(true), b = run(false);
    assert.equal(tf.memory().numTensors, before, 'the kernels leak no tensor');
    assert.ok(Math.abs(a.loss - b.loss) < 1e-6, `loss ${a.loss} against ${b.loss}`);
    a.finals.forEach((f, i) => assert.ok(maxAbsDiff(f, b.finals[i]) < 1e-6, `final state ${i}`));
    assert.equal(a.out.length, b.out.length);
    a.out.forEach(([name, g], i) => {
      assert.ok(g.some((v) => v !== 0), `gradient of ${name} is all zeros`);
      assert.ok(maxAbsDiff(g, b.out[i][1]) < 1e-5, `gradient of ${name} differs by ${maxAbsDiff(g, b.out[i][1])}`);
    });
  });
}

// softmax.wat through the loss: every width from one lane to many vectors with a tail, rows whose
// spread underflows exp (a logit 120 above the rest), large negative and positive logits; against
// float64 in JS. The loss to 1e-6 relative, each gradient value to 1e-6 absolute.
test('the loss\'s SIMD softmax matches float64 softmax cross-entropy, value and gradient', async () => {
  await wasmReady();
  const { crossEntropy } = await import('../../src/train/loss.js');
  const { hasSoftmaxKernel } = await import('../../src/train/softmax-wasm.js');
  assert.ok(hasSoftmaxKernel(), 'wasm runs the SIMD kernel');
  for (const v of [1, 3, 4, 7, 16, 33, 2002]) {
    const n = 5;
    const z = Float32Array.from({ length: n * v }, (_, i) => {
      const row = Math.floor(i / v), j = i % v;
      if (row === 1 && j === v - 1) return 120; // the rest of row 1 underflows
      if (row === 2) return -300 + Math.sin(j) * 40;
      if (row === 3) return 80 + Math.cos(j * 1.3) * 5;
      return Math.sin(i * 0.37) * 6;
    });
    const targets = Int32Array.from({ length: n }, (_, i) => (i * 7 + 2) % v);
    const x = tf.tensor2d(z, [n, v]);
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => crossEntropy(t as tf.Tensor2D, targets))(x);
    let loss = 0;
    const want = new Float64Array(n * v);
    for (let i = 0; i < n; i++) {
      const row = Array.from(z.subarray(i * v, (i + 1) * v));
      const m = Math.max(...row);
      const s = row.reduce((a, q) => a + Math.exp(q - m), 0);
      loss += Math.log(s) + m - row[targets[i]];
      row.forEach((q, j) => { want[i * v + j] = (Math.exp(q - m) / s - (j === targets[i] ? 1 : 0)) / n; });
    }
    loss /= n;
    const got = value.dataSync()[0];
    assert.ok(Math.abs(got - loss) <= 1e-6 * Math.max(1, Math.abs(loss)), `v ${v}: loss ${got} against ${loss}`);
    assert.ok(maxAbsDiff(grad.dataSync(), want) < 1e-6, `v ${v}: gradient differs by ${maxAbsDiff(grad.dataSync(), want)}`);
    tf.dispose([x, value, grad]);
  }
});

// mask.wat against the JS loop it replaces: lengths around a vector (the module writes whole
// vectors), rates including 0.5 (⌈p·2³²⌉ exact) and seeds at both ends of the unsigned range.
test('SIMD dropout masks are the JS draws bit for bit, and a mask is only its n values', async () => {
  const { dropMask, dropMaskJs } = await import('../../src/train/rng.js');
  for (const n of [1, 3, 4, 5, 17, 100_003]) {
    for (const p of [0.5, 0.1, 1 / 3, 0.05, 0.999]) {
      for (const seed of [0, 1, 123456789, 2147483648, 4294967295]) {
        const a = dropMask(n, p, seed), b = dropMaskJs(n, p, seed);
        assert.equal(a.length, n);
        assert.deepEqual(a, b, `n ${n}, p ${p}, seed ${seed}`);
      }
    }
  }
  const big = dropMask(3_000_000, 0.3, 7);
  const kept = big.reduce((k, v) => k + (v > 0 ? 1 : 0), 0) / big.length;
  assert.ok(Math.abs(kept - 0.7) < 0.002, `kept ${kept}`);
  assert.ok(big.every((v) => v === 0 || v === Math.fround(1 / 0.7)));
});
