/**
 * Where a training step goes on wasm: tf.profile's kernel times by kernel name for one step of a
 * bench/configs.ts configuration (GPT by default), after two warm-up steps, against the step's wall
 * time; --by-shape sums calls and times by kernel and input shapes; --shapes lists every kernel call over 20 ms (MIN_MS=…) with its shapes.
 *
 *   WORDMILL_THREADS=2 node dist/bench/profile.js [GPT|T1|T2A|AWD|…] [--by-shape] [--shapes]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';
import { resolveModel } from '../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../src/train/params.js';
import { Adam } from '../src/train/adam.js';
import { Dropout, initState, disposeState } from '../src/train/model.js';
import { trainStep } from '../src/train/tasks/lm.js';
import { randomBatch } from './random-batch.js';
import { CONFIGS } from './configs.js';

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'GPT';
  const cfg = CONFIGS[name];
  if (!cfg) throw new Error(`unknown config ${name} (one of ${Object.keys(CONFIGS).join(', ')})`);
  const info = await selectBackend('wasm', undefined, Number(process.env.WORDMILL_THREADS ?? 1));
  const c = resolveModel(cfg.model, cfg.vocab);
  const p = initParams(c, 1);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, cfg.bs);
  const step = async (k: number) => {
    const r = await trainStep(c, p, { opt, hyper: { lr: cfg.lr, beta1: 0.9, beta2: 0.95, wd: 0.01, eps: 1e-8 }, clip: 1 }, randomBatch(cfg.vocab, cfg.bs, cfg.seq, k, cfg.zipf), state, new Dropout(true, 1, k));
    disposeState(state); state = r.state;
  };
  for (let k = 0; k < 2; k++) await step(k);
  const t0 = performance.now();
  await step(2);
  const wall = performance.now() - t0;
  const prof = await tf.profile(() => step(3));
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const k of prof.kernels) {
    const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++; e.ms += Number(k.kernelTimeMs) || 0;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  console.log(JSON.stringify({ config: name, device: info.device, step_wall_ms: Math.round(wall), kernel_ms: Math.round(total), kernels: prof.kernels.length,
    top: [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14).map(([n, e]) => `${n} ${Math.round(e.ms)} ms / ${e.calls}`) }));
  if (process.argv.includes('--by-shape')) {
    // Per kernel and shape: calls and total ms, the view that says which small op to fuse next.
    const byShape = new Map<string, { calls: number; ms: number }>();
    for (const k of prof.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = byShape.get(key) ?? { calls: 0, ms: 0 };
      e.calls++; e.ms += Number(k.kernelTimeMs) || 0;
      byShape.set(key, e);
    }
    console.log([...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30).map(([n, e]) => `${e.ms.toFixed(2)} ms / ${e.calls}  ${n}`).join('\n'));
  }
  if (process.argv.includes('--shapes')) {
    const slow = prof.kernels.filter((k) => Number(k.kernelTimeMs) > (Number(process.env.MIN_MS) || 20)).map((k) => `${k.name} ${Math.round(Number(k.kernelTimeMs))} ms ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)}`);
    console.log(slow.join('\n'));
  }
  disposeState(state); opt.dispose(); disposeParams(p);
}

void main();
