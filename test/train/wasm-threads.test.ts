/**
 * tfjs's threaded wasm binary under Node (src/train/wasm-threads.ts): the pool has the size asked,
 * results are the single-threaded binary's bit for bit, and a process that loaded it still ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTrainer } from '../../src/train/index.js';
import { fitOptions, tmp } from './fixture.js';

const BACKEND = fileURLToPath(new URL('../../src/train/backend.js', import.meta.url));
const LSTM = fileURLToPath(new URL('../../src/train/lstm-layer.js', import.meta.url));
const SIMD = fileURLToPath(new URL('../../src/train/simd/load.js', import.meta.url));
const THREADS = fileURLToPath(new URL('../../src/train/wasm-threads.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TF = createRequire(import.meta.url).resolve('@tensorflow/tfjs');

/**
 * A child that selects wasm with `threads`, runs a GEMM, a reduction, a softmax and an LSTM layer's
 * forward and backward (its SIMD gate kernels on this binary's shared heap), and simply returns.
 */
function child(dir: string, threads: number): { device: string; sums: number[]; simd: boolean; status: number | null } {
  const script = `
    import * as tf from ${JSON.stringify(TF)};
    import { selectBackend } from ${JSON.stringify(BACKEND)};
    import { lstmLayer } from ${JSON.stringify(LSTM)};
    import { simdModule } from ${JSON.stringify(SIMD)};
    const info = await selectBackend('wasm', () => {}, ${threads});
    const a = tf.randomUniform([300, 200], -1, 1, 'float32', 7), b = tf.randomUniform([200, 500], -1, 1, 'float32', 8);
    const c = tf.matMul(a, b);
    const xw = tf.randomUniform([5, 4, 32], -1, 1, 'float32', 9), wh = tf.randomUniform([8, 32], -0.5, 0.5, 'float32', 10);
    const h0 = tf.zeros([4, 8]), c0 = tf.zeros([4, 8]);
    const g = tf.grads((x, w) => lstmLayer(x, w, h0, c0, {}).square().sum())([xw, wh]);
    const sums = [c.sum(), c.softmax().mul(c).sum(), tf.matMul(c, b, false, true).abs().max(), ...g.map((t) => t.abs().sum())].map((t) => t.dataSync()[0]);
    console.log(JSON.stringify({ device: info.device, sums, simd: !!simdModule('lstm', tf.backend().wasm) && !!simdModule('adam', tf.backend().wasm) }));`;
  // A file, not `--input-type=module -e`: pthread workers inherit execArgv, and that flag is refused in a worker.
  const file = path.join(dir, `threads-${threads}.mjs`);
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), status: r.status };
}

test('the threaded binary runs the pool asked for, gives the one-thread results bit for bit (the LSTM kernels included), and its process ends by itself', async () => {
  const dir = await tmp();
  const one = child(dir, 1);
  const three = child(dir, 3);
  assert.match(one.device, /wasm simd, 1 thread\)/);
  // Three on any machine: the pool's size is the caller's choice, not os.cpus() / 2 (the binary's guess).
  assert.match(three.device, /wasm simd, 3 threads\)/);
  assert.deepEqual(three.sums, one.sums);
  assert.ok(one.simd && three.simd, 'the SIMD modules load on both heaps (plain and shared)');
  // spawnSync's 60 s timeout would have failed the status check above if a pool thread kept the child alive.
  assert.equal(three.status, 0);
});

test('a fit on two threads reports them and gives the one-thread losses exactly; on two replicas (one a thread) the same up to rounding', async () => {
  const losses: number[][] = [];
  const devices: string[] = [];
  for (const [threads, replicas] of [[1, undefined], [2, undefined], [2, 'auto']] as const) {
    const t = await startTrainer({ backend: 'wasm', threads, replicas });
    try {
      // Each replica is a single-threaded backend, this thread's too.
      assert.match(t.device, replicas ? / 1 thread\)/ : new RegExp(`${threads} thread${threads > 1 ? 's' : ''}\\)`));
      const r = await t.fit(fitOptions(await tmp(), { model: { arch: 'lstm', emb: 64, hidden: 96, layers: 2, tied: true, dropout: 0.1 }, train: { epochs: 1, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
      losses.push(r.epochs.flatMap((e) => [e.trainLoss, e.validLoss]));
      devices.push(r.device);
    } finally {
      await t.close();
    }
  }
  assert.deepEqual(losses[1], losses[0]);
  assert.match(devices[1], /^cpu \(wasm simd, 2 threads\)$/);
  // Two replicas run the batch as two halves: the same sums in another order.
  assert.match(devices[2], /^2 replicas × cpu \(wasm simd, 1 thread\)$/);
  losses[2].forEach((l, i) => assert.ok(Math.abs(l - losses[0][i]) < 1e-4 * Math.abs(losses[0][i]), `${l} vs ${losses[0][i]}`));
});

test('a threaded backend that fails to initialise puts tfjs\'s own wasm back, so one thread still runs', async () => {
  const dir = await tmp();
  const script = `
    import * as tf from ${JSON.stringify(TF)};
    import { createRequire } from 'node:module';
    import path from 'node:path';
    import { pathToFileURL } from 'node:url';
    const require = createRequire(${JSON.stringify(TF)});
    const wasm = await import(require.resolve('@tensorflow/tfjs-backend-wasm'));
    const { swapWasmFactory } = await import(${JSON.stringify(THREADS)});
    const original = tf.findBackendFactory('wasm');
    console.warn = () => {};
    let error = '';
    try { await swapWasmFactory(() => { throw new Error('no threads here'); }); } catch (e) { error = e.message; }
    const restored = tf.findBackendFactory('wasm') === original;
    wasm.setWasmPaths(pathToFileURL(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep).href);
    const selected = await tf.setBackend('wasm');
    console.log(JSON.stringify({ error, restored, selected, backend: tf.getBackend(), sum: tf.ones([3]).sum().dataSync()[0] }));`;
  const file = path.join(dir, 'restore.mjs');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!),
    { error: 'the threaded wasm backend did not initialise', restored: true, selected: true, backend: 'wasm', sum: 3 });
});

test('--threads, the threads option and WORDMILL_THREADS refuse what is not a count or auto; the option wins', async () => {
  await assert.rejects(startTrainer({ backend: 'wasm', threads: 0 }), /threads/);
  await assert.rejects(startTrainer({ backend: 'wasm', threads: 'all' as never }), /threads/);
  const before = process.env.WORDMILL_THREADS;
  try {
    process.env.WORDMILL_THREADS = 'every';
    await assert.rejects(startTrainer({ backend: 'wasm' }), /^WordmillError: environment variable WORDMILL_THREADS: must be auto or a whole number from 1 to 256 \(got "every"\)$/);
    // An explicit option wins over the environment.
    const t = await startTrainer({ backend: 'wasm', threads: 1 });
    await t.close();
    process.env.WORDMILL_THREADS = '2';
    const u = await startTrainer({ backend: 'wasm' });
    try { assert.match(u.device, /2 threads\)/); } finally { await u.close(); }
  } finally {
    if (before === undefined) delete process.env.WORDMILL_THREADS; else process.env.WORDMILL_THREADS = before;
  }
});
