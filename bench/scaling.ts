/**
 * How data-parallel replicas would scale past this machine's 2 cores, from parts measured here.
 * A replicated step (src/train/tasks/lm.ts, replicaStep; src/train/replicas/) is, in order: the
 * trainer's thread publishes the weights; every replica loads them (a new tensor per weight),
 * runs its part of bs/n rows and writes its gradients; every replica sums its 1/n of the floats
 * across the n parts (replicas/reduce.ts); the trainer's thread reads the sum back as tensors and
 * updates. On n cores the middle three run at once, so
 *
 *   step(n) = publish + load + part(bs/n) + write + reduce(n) + read + update,
 *
 * each term timed here on one single-threaded wasm backend (medians), with the same calls the
 * replicas make. Not in the model: memory bandwidth shared by n cores, clocks that fall as more
 * cores run, and message latency (~0.1 ms a part). `--check` also runs the real 2-replica pool on
 * this machine's two cores, to compare with step(2).
 *
 *   node dist/bench/scaling.js T1|T2A|AWD [--steps N] [--warm N] [--check]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';
import { resolveModel } from '../src/train/config.js';
import { initParams, noDecay, disposeParams, type Params } from '../src/train/params.js';
import { Adam } from '../src/train/adam.js';
import { Dropout, initState, disposeState } from '../src/train/model.js';
import { trainStep } from '../src/train/tasks/lm.js';
import { lmObjective } from '../src/train/tasks/lm-part.js';
import { applyGradients, gradients, type StepSettings } from '../src/train/step.js';
import { sumInto } from '../src/train/replicas/reduce.js';
import { valuesOf } from '../src/train/kernel-util.js';
import { ReplicaPool } from '../src/train/replicas/pool.js';
import { randomBatch } from './random-batch.js';
import { CONFIGS } from './configs.js';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--')) ?? 'T1';
const cfg = CONFIGS[name];
if (!cfg) throw new Error(`unknown config ${name} (one of ${Object.keys(CONFIGS).join(', ')})`);
const steps = args.includes('--steps') ? Number(args[args.indexOf('--steps') + 1]) : 20;
// V8 and XNNPACK take ~15 small steps to settle (bench/train.ts's warmFor); a full-size step, one.
const warm = args.includes('--warm') ? Number(args[args.indexOf('--warm') + 1]) : 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall ms of `f` over `steps` runs, after `warm` untimed ones. */
async function time(f: (k: number) => Promise<void> | void): Promise<number> {
  const ms: number[] = [];
  for (let k = 0; k < steps + warm; k++) {
    const t0 = performance.now();
    await f(k);
    if (k >= warm) ms.push(performance.now() - t0);
  }
  return median(ms);
}

const info = await selectBackend('wasm', undefined, 1);
const c = resolveModel(cfg.model, cfg.vocab);
const p = initParams(c, 1);
const settings = (): StepSettings => ({ opt, hyper: { lr: cfg.lr, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, clip: undefined });
const opt = new Adam(p, noDecay(c));
const { bs, seq } = cfg;

/** One replica's part: `rows` of the batch's first rows, forward and backward, gradients dropped. */
async function part(rows: number, k: number): Promise<void> {
  const b = randomBatch(cfg.vocab, bs, seq, k, cfg.zipf);
  const st = initState(c, rows);
  const drop = new Dropout(true, 1, k).part({ start: 0, count: rows, total: bs });
  const g = gradients(p, {}, () => lmObjective(c, p, { x: b.x.subarray(0, rows * seq), y: b.y.subarray(0, rows * seq), rows, seq, bs }, st, drop));
  await g.loss.data();
  g.loss.dispose(); Object.values(g.grads).forEach((t) => t.dispose());
  disposeState(st);
}

// The exchange's own terms, with the calls pool.ts and serve.ts make.
const sizes = [...p.values()].map((v) => v.size);
const total = sizes.reduce((a, b) => a + b, 0);
const buffer = () => new Float32Array(new SharedArrayBuffer(4 * total));
const shared = buffer();
const publish = () => { let o = 0; for (const v of p.values()) { shared.set(valuesOf(v), o); o += v.size; } };
const load = () => { let o = 0; for (const v of p.values()) { tf.tidy(() => tf.tensor(shared.subarray(o, o + v.size), v.shape)).dispose(); o += v.size; } };
const grads = (): Record<string, tf.Tensor> => Object.fromEntries([...p].map(([n, v]) => [n, tf.onesLike(v)]));
const held = grads();
const write = () => { let o = 0; for (const t of Object.values(held)) { shared.set(valuesOf(t), o); o += t.size; } };
const read = (): Record<string, tf.Tensor> => { let o = 0; const g: Record<string, tf.Tensor> = {}; for (const [n, v] of p) { g[n] = tf.tensor(shared.subarray(o, o + v.size), v.shape); o += v.size; } return g; };
const update = () => applyGradients(read(), settings());
const counts = [1, 2, 4, 8, 16].filter((n) => n <= bs && bs % n === 0);
// One replica's range of the sum: total / n floats over n buffers (more buffers than cores never
// runs here: the other n − 1 ranges run at once on the other cores).
const partBufs = Array.from({ length: 16 }, buffer);
const reduce: Record<number, number> = {};
for (const n of counts.slice(1)) reduce[n] = await time(() => sumInto(partBufs.slice(0, n), 0, Math.floor(total / n)));
const terms = { publish: await time(publish), load: await time(load), write: await time(write), read: await time(() => Object.values(read()).forEach((t) => t.dispose())), update: await time(update) };
Object.values(held).forEach((t) => t.dispose());
const whole = await time((k) => part(bs, k));
const parts: Record<number, number> = {};
for (const n of counts.slice(1)) parts[n] = await time((k) => part(bs / n, k));
const tokens = bs * seq;
const step1 = whole + terms.update;
const projected = counts.map((n) => {
  const ms = n === 1 ? step1 : terms.publish + terms.load + parts[n] + terms.write + reduce[n] + terms.read + terms.update;
  return { replicas: n, part_ms: Number((n === 1 ? whole : parts[n]).toFixed(2)), reduce_ms: n === 1 ? 0 : Number(reduce[n].toFixed(2)), step_ms: Number(ms.toFixed(2)), tok_per_s: Math.round(tokens / (ms / 1000)), speedup: Number((step1 / ms).toFixed(2)) };
});

let check: Record<string, unknown> | undefined;
if (args.includes('--check')) {
  // The real pool on this machine's two cores, against the model's step(2).
  const pool = await ReplicaPool.start(2);
  let state = initState(c, bs);
  const real = await time(async (k) => {
    const r = await trainStep(c, p, settings(), randomBatch(cfg.vocab, bs, seq, k, cfg.zipf), state, new Dropout(true, 1, k), undefined, pool);
    disposeState(state); state = r.state;
  });
  disposeState(state);
  await pool.close();
  check = { measured_2_replicas_step_ms: Number(real.toFixed(2)), model_2_replicas_step_ms: projected[1]?.step_ms };
}
const r2 = (x: number) => Number(x.toFixed(3));
console.log(JSON.stringify({ config: name, device: info.device, steps, weights: total, terms_ms: Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, r2(v)])), projected, check }));
opt.dispose(); disposeParams(p as Params);
