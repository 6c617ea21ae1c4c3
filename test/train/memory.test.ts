import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../../src/train/params.js';
import { Adam } from '../../src/train/adam.js';
import { Dropout, disposeState, initState } from '../../src/train/model.js';
import { trainStep, evalStep } from '../../src/train/tasks/lm.js';
import { checkMemory, estimateBytes } from '../../src/train/memory.js';
import { lmBatches } from './lm-data.js';
import { WordmillError } from '../../src/errors.js';

for (const arch of ['lstm', 'gru', 'awd-lstm'] as const) {
  test(`${arch}: tensor count and bytes stay flat across training and evaluation steps`, async () => {
    await wasmReady();
    const c = resolveModel({ arch, emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0.3, alpha: 2, beta: 1 }, 20);
    const p = initParams(c, 3);
    const opt = new Adam(p, noDecay(c));
    const ids = Int32Array.from({ length: 2000 }, (_, i) => (i * 7 + (i >> 3)) % 20);
    let state = initState(c, 4);
    const counts: number[] = [];
    const bytes: number[] = [];
    let k = 0;
    for (const b of lmBatches(ids, 4, 10)) {
      const r = await trainStep(c, p, { opt, hyper: { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.1, eps: 1e-5 }, clip: 1 }, b, state, new Dropout(true, 1, k++));
      disposeState(state);
      state = r.state;
      counts.push(tf.memory().numTensors);
      bytes.push(tf.memory().numBytes);
      if (k === 12) break;
    }
    for (const b of lmBatches(ids, 4, 10)) {
      const r = await evalStep(c, p, b, state);
      disposeState(state);
      state = r.state;
      counts.push(tf.memory().numTensors);
      if (++k === 20) break;
    }
    assert.equal(new Set(counts).size, 1, `numTensors per step: ${counts.join(' ')}`);
    assert.equal(new Set(bytes).size, 1, `bytes held per training step: ${bytes.join(' ')}`);
    disposeState(state);
    opt.dispose();
    disposeParams(p);
  });
}

test('the full AWD-LSTM at bs 64 × seq 72 with a 60k vocabulary is refused before training, naming the options', () => {
  const c = resolveModel({ arch: 'awd-lstm', emb: 400, hidden: 1152, layers: 3, tied: true, dropout: 0 }, 60000);
  assert.ok(estimateBytes(c, 64, 72) > 4 * 2 ** 30);
  assert.throws(() => checkMemory('wasm', c, 64, 72), (e: WordmillError) =>
    e.code === 'WM_ERR_TRAIN' && /batch\.bs/.test(e.message) && /seqLen/.test(e.message) && /hidden/.test(e.message) && /maxVocab/.test(e.message));
  assert.doesNotThrow(() => checkMemory('wasm', c, 8, 20));
  assert.doesNotThrow(() => checkMemory('tensorflow', c, 64, 72));
});

test('a finished job gives back every tensor and byte (weights, Adam state, carried state)', async () => {
  await wasmReady();
  const before = tf.memory();
  const c = resolveModel({ arch: 'lstm', emb: 8, hidden: 8, layers: 2, tied: false, dropout: 0.2 }, 20);
  const p = initParams(c, 3);
  const opt = new Adam(p, noDecay(c));
  const ids = Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 20);
  let state = initState(c, 4);
  for (const b of lmBatches(ids, 4, 10)) {
    const r = await trainStep(c, p, { opt, hyper: { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.1, eps: 1e-5 }, clip: 1 }, b, state, new Dropout(true, 1, 0));
    disposeState(state);
    state = r.state;
  }
  disposeState(state);
  opt.dispose();
  disposeParams(p);
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});
