/**
 * The WebGPU side of bench/gpu.sh: one config of bench/gpu/configs.json (bench/train.ts's T1, T2,
 * T2A, AWD, T3), trained on synthetic ids with wordmill's own step (memory plan, fused LSTM, Adam),
 * warm-up steps untimed, then timed steps until `steps` or the time budget, whichever comes first.
 * A step ends when its loss is read back, so its time includes the GPU's work. Prints one JSON line.
 *
 *   node dist/bench/gpu/webgpu-bench.js T1 [--backend webgpu] [--steps N] [--budget S] [--configs FILE]
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/train/backend.js';
import { resolveModel, type TrainerModelSpec } from '../../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../../src/train/params.js';
import { Adam } from '../../src/train/adam.js';
import { Dropout, initState, disposeState } from '../../src/train/model.js';
import { trainStep } from '../../src/train/tasks/lm.js';
import { describePlan, estimateBytes, planStep } from '../../src/train/memory.js';
import { takeWebGPUErrors } from '../../src/train/webgpu.js';
import { randomBatch } from '../random-batch.js';

export interface GpuCfg { vocab: number; model: TrainerModelSpec; bs: number; seq: number; lr: number; zipf?: boolean; warm: number; steps: number; budget_s: number }

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const name = args[0];
// --configs: the repo's bench/gpu/configs.json on the device (fresher than the bundle's copy).
const all = JSON.parse(readFileSync(opt('--configs') ?? new URL('../../../bench/gpu/configs.json', import.meta.url), 'utf8')) as Record<string, GpuCfg>;
const cfg = all[name];
if (!cfg) throw new Error(`unknown config ${name}: ${Object.keys(all).filter((k) => !k.startsWith('_')).join(', ')}`);


const median = (a: number[]) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
const mib = (b: number) => Math.round(b / 2 ** 20);

async function main(): Promise<Record<string, unknown>> {
  const t00 = performance.now();
  const info = await selectBackend((opt('--backend') ?? 'webgpu') as 'webgpu');
  const startMs = performance.now() - t00;
  const steps = Number(opt('--steps') ?? cfg.steps);
  const budgetMs = Number(opt('--budget') ?? cfg.budget_s) * 1000;
  const c = resolveModel(cfg.model, cfg.vocab);
  const p = initParams(c, 1);
  const adam = new Adam(p, noDecay(c));
  const plan = planStep(info.backend, c, cfg.bs, cfg.seq);
  let state = initState(c, cfg.bs);
  const times: number[] = [];
  const losses: number[] = [];
  let peakAlloc = 0, peakTensor = 0, warmMs = 0;
  const t0 = performance.now();
  for (let k = 0; ; k++) {
    if (k >= cfg.warm && (times.length >= steps || performance.now() - t0 - warmMs > budgetMs)) break;
    const b = randomBatch(cfg.vocab, cfg.bs, cfg.seq, k, cfg.zipf);
    const ts = performance.now();
    const r = await trainStep(c, p, { opt: adam, hyper: { lr: cfg.lr, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, clip: undefined }, b, state, new Dropout(true, 1, k), plan);
    const dt = performance.now() - ts;
    disposeState(state);
    state = r.state;
    losses.push(r.loss);
    if (k < cfg.warm) warmMs += dt; else times.push(dt);
    const m = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
    peakAlloc = Math.max(peakAlloc, m.numBytesAllocatedInGPU ?? 0);
    peakTensor = Math.max(peakTensor, m.numBytes);
  }
  const numTensors = tf.memory().numTensors;
  disposeState(state); adam.dispose(); disposeParams(p);
  const med = median(times);
  const tok = cfg.bs * cfg.seq;
  return {
    runtime: `tfjs-${info.backend}`, device: info.device, config: name, bs: cfg.bs, seq: cfg.seq, plan: describePlan(plan, cfg.bs),
    backend_start_ms: Math.round(startMs), warm_steps: cfg.warm, warm_ms: Math.round(warmMs), steps: times.length,
    step_ms: { min: Number(Math.min(...times).toFixed(1)), median: Number(med.toFixed(1)) },
    tok_per_s: { median: Math.round(tok / (med / 1000)), max: Math.round(tok / (Math.min(...times) / 1000)) },
    // The buffer pool's bytes (tfjs-backend-webgpu keeps freed buffers for reuse): its high-water mark is the device memory taken.
    peak_gpu_pool_mib: mib(peakAlloc), peak_live_tensor_mib: mib(peakTensor), estimate_mib: mib(estimateBytes(c, cfg.bs, cfg.seq, plan)),
    numTensors, loss_first: losses[0], loss_last: losses[losses.length - 1], device_errors: takeWebGPUErrors(),
  };
}

main().then((r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
  (e: Error) => { process.stdout.write(`${JSON.stringify({ runtime: 'tfjs', config: name, error: e.message.split('\n')[0] })}\n`); process.exit(1); });
