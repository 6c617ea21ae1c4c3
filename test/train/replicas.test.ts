import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { resolveModel, type ModelConfig } from '../../src/train/config.js';
import { initParams, noDecay, disposeParams, type Params } from '../../src/train/params.js';
import { Adam } from '../../src/train/adam.js';
import { Dropout, disposeState, initState, type State } from '../../src/train/model.js';
import { trainStep } from '../../src/train/tasks/lm.js';
import { splitRows } from '../../src/train/tasks/lm-part.js';
import { ReplicaPool } from '../../src/train/replicas/pool.js';
import { rangeOf, sumInto, sumIntoJs } from '../../src/train/replicas/reduce.js';
import { sumModule } from '../../src/train/simd/load.js';
import { replicaCount, replicasNeedWasm } from '../../src/train/replicas/choose.js';
import { WordmillError } from '../../src/errors.js';
import type { StepPlan } from '../../src/train/memory.js';

const MODELS: Record<string, ModelConfig> = {
  // AWD's dropouts (weight, hidden, input, embedding), AR/TAR: every mask must be the batch's.
  awd: resolveModel({ arch: 'awd-lstm', emb: 6, hidden: 10, layers: 2, tied: true, dropout: 0.4, alpha: 2, beta: 1 }, 17),
  lstm: resolveModel({ arch: 'lstm', emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0.3 }, 17),
  gpt: resolveModel({ arch: 'gpt', emb: 8, layers: 1, heads: 2, context: 8, dropout: 0.1 } as never, 17),
};

interface Run { losses: number[]; params: [string, number[]][]; state: number[][] }

/** Three steps from the same weights, the state carried, on `pool` or here with `plan`. */
async function steps(c: ModelConfig, plan: StepPlan, pool?: ReplicaPool, trainable?: string[]): Promise<Run> {
  const [bs, seq] = [7, 4];
  const p: Params = initParams(c, 4);
  const opt = new Adam(p, noDecay(c));
  let state: State = initState(c, bs);
  const losses: number[] = [];
  for (let k = 0; k < 3; k++) {
    const x = Int32Array.from({ length: bs * seq }, (_, i) => (i * 7 + 3 * k + 1) % 17);
    const y = x.map((v) => (v * 5 + 1) % 17);
    const r = await trainStep(c, p, { opt, hyper: { lr: 1e-2, beta1: 0.9, beta2: 0.99, wd: 0.01, eps: 1e-5 }, clip: 0.1, trainable },
      { x, y, bs, seqLen: seq }, state, new Dropout(true, 9, k), plan, pool);
    disposeState(state);
    state = r.state;
    losses.push(r.loss);
  }
  const out: Run = { losses, params: [...p].map(([k, v]) => [k, Array.from(v.dataSync())]), state: state.flat().map((t) => Array.from(t.dataSync())) };
  disposeState(state); opt.dispose(); disposeParams(p);
  return out;
}

test('splitRows: the plan\'s parts as they are, or a multiple of the replicas, never more parts than rows', () => {
  assert.deepEqual(splitRows(64, 24), { micro: 24, parts: 3 });
  assert.deepEqual(splitRows(64, 64, 2), { micro: 32, parts: 2 });
  assert.deepEqual(splitRows(64, 16, 2), { micro: 16, parts: 4 });
  assert.deepEqual(splitRows(64, 24, 2), { micro: 16, parts: 4 });
  assert.deepEqual(splitRows(7, 7, 2), { micro: 4, parts: 2 });
  assert.deepEqual(splitRows(3, 3, 8), { micro: 1, parts: 3 });
  assert.deepEqual(splitRows(1, 1, 2), { micro: 1, parts: 1 });
});

test('replicas give the bits of the same parts run as micro-batches here: losses, weights, carried state (clipping, dropouts, AR/TAR)', async () => {
  await wasmReady();
  const pool = await ReplicaPool.start(2);
  try {
    assert.match(pool.device, /^2 replicas × cpu \(wasm/);
    for (const [name, c] of Object.entries(MODELS)) {
      // 7 rows on 2 replicas: parts of 4 and 3; a plan of 2-row micro-batches: 4 parts, 2 a replica.
      for (const [micro, plan] of [[4, { microBs: 7 }], [2, { microBs: 2 }]] as const) {
        const here = await steps(c, { microBs: micro });
        const there = await steps(c, plan, pool);
        assert.deepEqual(there.losses, here.losses, `${name}, parts of ${micro}`);
        assert.deepEqual(there.params, here.params, `${name}, parts of ${micro}: weights`);
        assert.deepEqual(there.state, here.state, `${name}, parts of ${micro}: state`);
        assert.ok(here.losses.every(Number.isFinite) && here.losses[2] !== here.losses[0]);
      }
      const whole = await steps(c, { microBs: 7 });
      const split = await steps(c, { microBs: 7 }, pool);
      // Parts sum to the batch's gradient up to float32 rounding.
      split.losses.forEach((l, i) => assert.ok(Math.abs(l - whole.losses[i]) < 1e-5, `${name}: ${l} vs ${whole.losses[i]}`));
    }
  } finally {
    await pool.close();
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('three replicas, a range of the sum each: the bits of the parts run here (4 parts, 2 on this thread)', async () => {
  await wasmReady();
  const pool = await ReplicaPool.start(3);
  try {
    const c = MODELS.awd;
    const here = await steps(c, { microBs: 2 });
    const there = await steps(c, { microBs: 2 }, pool);
    assert.deepEqual(there.losses, here.losses);
    assert.deepEqual(there.params, here.params);
    assert.deepEqual(there.state, here.state);
  } finally {
    await pool.close();
  }
});

test('sumInto (sum.wat) and its JS loop over disjoint ranges are tf.add in part order, bit for bit, across block edges', async () => {
  await wasmReady();
  const total = 40_001;
  // Values whose float32 sums depend on the order: large and small magnitudes, both signs.
  const parts = Array.from({ length: 5 }, (_, k) => Float32Array.from({ length: total }, (_, i) => Math.sin(i * 0.37 + k) * 10 ** ((i + 3 * k) % 9 - 4)));
  const want = tf.tidy(() => parts.slice(1).reduce((s: tf.Tensor, g) => tf.add(s, tf.tensor(g)), tf.tensor(parts[0])).dataSync());
  assert.ok(sumModule(), 'sum.wat does not load: the sum would run in JS');
  for (const [how, sum] of [['sum.wat', sumInto], ['JS', sumIntoJs]] as const) {
    for (const n of [1, 2, 3, 7]) {
      const copy = parts.map((g) => g.slice());
      const seen: number[] = [];
      for (let r = 0; r < n; r++) {
        const { from, to } = rangeOf(r, n, total);
        assert.equal(from, r === 0 ? 0 : seen[seen.length - 1]);
        seen.push(to);
        sum(copy, from, to);
      }
      assert.equal(seen[n - 1], total);
      assert.deepEqual(copy[0], want, `${how}, ${n} ranges`);
      assert.deepEqual(copy[4], parts[4], 'the other parts are only read');
    }
  }
});

test('replicas: frozen parameters are not differentiated there either and stay as they were', async () => {
  await wasmReady();
  const pool = await ReplicaPool.start(2);
  try {
    const c = MODELS.lstm;
    const p0 = initParams(c, 4);
    const names = [...p0.keys()];
    const start = new Map([...p0].map(([k, v]) => [k, Array.from(v.dataSync())] as const));
    disposeParams(p0);
    const trainable = names.filter((n) => !n.startsWith('emb'));
    assert.ok(trainable.length > 0 && trainable.length < names.length, names.join(','));
    const here = await steps(c, { microBs: 4 }, undefined, trainable);
    const there = await steps(c, { microBs: 7 }, pool, trainable);
    assert.deepEqual(there.params, here.params);
    for (const [k, v] of there.params) if (!trainable.includes(k)) assert.deepEqual(v, start.get(k), k);
  } finally {
    await pool.close();
  }
});

test('a replica that dies fails the step with one clear error, and the pool refuses the next', async () => {
  await wasmReady();
  const pool = await ReplicaPool.start(2);
  try {
    await (pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0].terminate();
    const c = MODELS.lstm;
    await assert.rejects(steps(c, { microBs: 7 }, pool), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_TRAIN' && /trainer replica 1 exited/.test(e.message));
    await assert.rejects(steps(c, { microBs: 7 }, pool), /trainer replica 1 exited/);
  } finally {
    await pool.close();
  }
});

test('replicaCount: auto is one a thread, a number that many; replicas off wasm are refused, naming the backend', () => {
  assert.equal(replicaCount('auto', 4), 4);
  assert.equal(replicaCount('auto', 1), 1);
  assert.equal(replicaCount(3, 1), 3);
  assert.doesNotThrow(() => replicasNeedWasm(1, 'tensorflow'));
  assert.doesNotThrow(() => replicasNeedWasm(2, 'wasm'));
  assert.throws(() => replicasNeedWasm(2, 'webgpu'), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION' && /trainer's backend is webgpu: use --replicas 1/.test(e.message));
});

test('a trainer asked for replicas on another backend fails at start with the one-line reason', async () => {
  const { startTrainer } = await import('../../src/train/start.js');
  await assert.rejects(startTrainer({ backend: 'cpu', replicas: 2 }), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION'
    && e.message === "replicas (2) run on wasm, but the trainer's backend is cpu: use --replicas 1, or --backend wasm");
});

test('lr-find on two replicas sweeps the losses one thread does, up to rounding', async () => {
  const { startTrainer } = await import('../../src/train/start.js');
  const { fitOptions, tmp } = await import('./fixture.js');
  const sweeps: number[][] = [];
  for (const replicas of [1, 2]) {
    const t = await startTrainer({ backend: 'wasm', threads: 1, replicas });
    try {
      const f = fitOptions(await tmp(), { model: { arch: 'lstm', emb: 16, hidden: 16, layers: 1, tied: true, dropout: 0.2 }, train: { epochs: 1, lr: 1e-2, wd: 0.01, schedule: 'constant', betas: [0.9, 0.99] } });
      const r = await t.lrFind({ model: f.model, train: f.train, vocab: f.vocab, trainBatches: f.trainBatches, numIt: 20, startLr: 1e-4, endLr: 1 });
      sweeps.push(r.points.map((p) => p.loss));
    } finally {
      await t.close();
    }
  }
  assert.equal(sweeps[1].length, sweeps[0].length);
  assert.ok(sweeps[0].length >= 10);
  sweeps[1].forEach((l, i) => assert.ok(Math.abs(l - sweeps[0][i]) < 1e-4 * Math.abs(sweeps[0][i]), `point ${i}: ${l} vs ${sweeps[0][i]}`));
  // Not the one-thread bits: the sweep did run on the replicas (two halves, summed in another order).
  assert.ok(sweeps[1].some((l, i) => l !== sweeps[0][i]));
});
