/**
 * Per-step engine overhead of a small model: kernel calls in one T1 training step (tf.profile),
 * and the cost of one tiny kernel call on wasm (a [1]-element add, CPU time per call).
 *
 *   node dist/bench/kernels.js
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';
import { resolveModel } from '../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../src/train/params.js';
import { Adam } from '../src/train/adam.js';
import { Dropout, initState, disposeState } from '../src/train/model.js';
import { trainStep } from '../src/train/tasks/lm.js';

async function main(): Promise<void> {
  await selectBackend('wasm');
  // bench/train.ts's T1 (importing it would run that bench).
  const c0 = { vocab: 30, model: { arch: 'lstm' as const, emb: 64, hidden: 64, layers: 2, tied: true, dropout: 0.5 }, bs: 64, seq: 16, lr: 1e-2 };
  const c = resolveModel(c0.model, c0.vocab);
  const p = initParams(c, 1);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, c0.bs);
  const x = new Int32Array(c0.bs * c0.seq).map((_, i) => (i * 7) % c0.vocab), y = x.map((v) => (v + 1) % c0.vocab);
  const step = async (k: number) => {
    const r = await trainStep(c, p, { opt, hyper: { lr: c0.lr, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, clip: undefined }, { x, y, bs: c0.bs, seqLen: c0.seq }, state, new Dropout(true, 1, k));
    disposeState(state); state = r.state;
  };
  for (let k = 0; k < 3; k++) await step(k);
  const prof = await tf.profile(() => step(3));
  const byName = new Map<string, number>();
  for (const k of prof.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  const u0 = process.cpuUsage();
  const steps = 10;
  for (let k = 0; k < steps; k++) await step(4 + k);
  const u = process.cpuUsage(u0);
  const a = tf.tensor1d([1]), b = tf.tensor1d([2]);
  const n = 20000;
  const v0 = process.cpuUsage();
  for (let i = 0; i < n; i++) tf.add(a, b).dispose();
  const v = process.cpuUsage(v0);
  const perCallUs = (v.user + v.system) / n;
  const stepCpuMs = (u.user + u.system) / 1000 / steps;
  console.log(JSON.stringify({ config: 'T1', kernels_per_step: prof.kernels.length, top: [...byName].sort((p1, q) => q[1] - p1[1]).slice(0, 8),
    tiny_kernel_cpu_us: Number(perCallUs.toFixed(1)), step_cpu_ms: Number(stepCpuMs.toFixed(1)),
    overhead_share: Number(((prof.kernels.length * perCallUs) / 1000 / stepCpuMs).toFixed(2)) }));
  disposeState(state); opt.dispose(); disposeParams(p);
}

void main();
