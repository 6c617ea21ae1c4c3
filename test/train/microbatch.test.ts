import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, on, maxAbsDiff, wasmReady } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, noDecay, disposeParams, type Params } from '../../src/train/params.js';
import { Adam, type AdamHyper } from '../../src/train/adam.js';
import { Dropout, disposeState, initState } from '../../src/train/model.js';
import { trainStep } from '../../src/train/tasks/lm.js';
import { crossEntropy } from '../../src/train/loss.js';
import { linearCrossEntropy } from '../../src/train/linear-ce.js';
import type { StepPlan } from '../../src/train/memory.js';

const wave = (n: number, s = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s) * 0.8);

for (const backend of ['wasm', 'cpu'] as const) {
  test(`${backend}: the chunked output layer gives autodiff's loss and gradients (uneven chunks)`, async () => {
    const [n, hid, v] = [11, 5, 13];
    const targets = Int32Array.from({ length: n }, (_, i) => (i * 5 + 2) % v);
    const run = (chunk: number | undefined) => tf.tidy(() => {
      const h = tf.tensor2d(wave(n * hid), [n, hid]);
      const w = tf.tensor2d(wave(v * hid, 2), [v, hid]);
      const b = tf.tensor1d(wave(v, 3));
      const loss = (x: tf.Tensor2D, y: tf.Tensor2D, z: tf.Tensor1D) => (chunk ? linearCrossEntropy(x, y, z, targets, chunk)
        : crossEntropy(tf.add(tf.matMul(x, y, false, true), z) as tf.Tensor2D, targets));
      // Times 3: the gradient must scale with the upstream gradient, not assume it is 1.
      const { value, grads } = tf.valueAndGrads((x, y, z) => tf.mul(loss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D), 3) as tf.Scalar)([h, w, b]);
      return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
    });
    const ref = await on(backend, () => run(undefined));
    for (const chunk of [4, 11]) {
      const got = await on(backend, () => run(chunk));
      got.forEach((a, i) => assert.ok(maxAbsDiff(a, ref[i]) < 1e-5, `chunk ${chunk}, output ${i}: ${maxAbsDiff(a, ref[i])}`));
    }
    assert.ok(ref[1].some((x) => Math.abs(x) > 1e-3));
  });
}

/** Adam that also keeps the gradients it was given (the real update still runs). */
class Recording extends Adam {
  got: Record<string, number[]> = {};
  override apply(g: Record<string, tf.Tensor>, h: AdamHyper, s?: ReadonlyMap<string, number>): void {
    for (const [k, t] of Object.entries(g)) this.got[k] = Array.from(t.dataSync());
    super.apply(g, h, s);
  }
}

test('micro-batches with a chunked output layer give the whole batch\'s gradient, step and carried state (AWD dropouts, AR/TAR, clipping)', async () => {
  await wasmReady();
  const c = resolveModel({ arch: 'awd-lstm', emb: 6, hidden: 10, layers: 2, tied: true, dropout: 0, alpha: 2, beta: 1 }, 17);
  const [bs, seq] = [5, 4];
  const x = Int32Array.from({ length: bs * seq }, (_, i) => (i * 7 + 3) % 17);
  const y = x.map((v) => (v * 5 + 1) % 17);
  const run = async (plan: StepPlan) => {
    const p: Params = initParams(c, 4);
    const opt = new Recording(p, noDecay(c));
    const state0 = initState(c, bs);
    const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.01, eps: 1e-5 };
    const r = await trainStep(c, p, { opt, hyper, clip: 0.1 }, { x, y, bs, seqLen: seq }, state0, new Dropout(true, 9, 3), plan);
    const out = { loss: r.loss, grads: opt.got, params: [...p].map(([k, t]) => [k, Array.from(t.dataSync())] as const), state: r.state.flat().map((t) => Array.from(t.dataSync())) };
    disposeState(state0); disposeState(r.state); opt.dispose(); disposeParams(p);
    return out;
  };
  const before = tf.memory().numTensors;
  const whole = await run({ microBs: bs });
  for (const plan of [{ microBs: 2, chunkRows: 3 }, { microBs: 3 }, { microBs: 1, chunkRows: 7 }]) {
    const part = await run(plan);
    assert.ok(Math.abs(part.loss - whole.loss) < 1e-5, `${JSON.stringify(plan)}: loss ${part.loss} vs ${whole.loss}`);
    for (const [k, g] of Object.entries(whole.grads)) assert.ok(maxAbsDiff(part.grads[k], g) < 1e-5, `${JSON.stringify(plan)}: gradient of ${k}`);
    part.params.forEach(([k, v], i) => assert.ok(maxAbsDiff(v, whole.params[i][1]) < 1e-5, `${JSON.stringify(plan)}: ${k} after the step`));
    part.state.forEach((s, i) => assert.ok(maxAbsDiff(s, whole.state[i]) < 1e-5, `${JSON.stringify(plan)}: carried state ${i}`));
  }
  assert.ok(Object.values(whole.grads['emb']).some((v) => Math.abs(v) > 1e-4));
  assert.equal(tf.memory().numTensors, before, 'every tensor of the micro-batched steps is given back');
});
