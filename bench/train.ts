/**
 * Trainer throughput, side by side with PyTorch on the same machine (the anchor script
 * /work/shared/anchors/torch_lm_throughput.py, run in the same invocation) and reported as ratios.
 *
 *   node dist/bench/train.js [T1|T2|hn|all] [--steps N] [--no-torch]
 *
 * T1: Human Numbers' model (vocab 30, 2×LSTM 64, tied, bs 64, seq 16);
 * T2: a WikiText-2-sized model (vocab 33278, LSTM 200, untied, bs 32, seq 30);
 * hn: Human Numbers end to end through the trainer process (quality, seconds, wait fraction).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';
import { resolveModel } from '../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../src/train/params.js';
import { Adam } from '../src/train/adam.js';
import { Dropout, initState, setFusedLstm } from '../src/train/model.js';
import { trainStep, disposeState } from '../src/train/step.js';
import { startTrainer } from '../src/train/index.js';
import type { ModelSpec } from '../src/pipeline/spec.js';
import type { LMBatch } from '../src/types.js';

const ANCHOR = '/work/shared/anchors/torch_lm_throughput.py';

interface Cfg { vocab: number; model: ModelSpec; bs: number; seq: number; lr: number }
export const CONFIGS: Record<string, Cfg> = {
  T1: { vocab: 30, model: { arch: 'lstm', emb: 64, hidden: 64, layers: 2, tied: true, dropout: 0.5 }, bs: 64, seq: 16, lr: 1e-2 },
  T2: { vocab: 33278, model: { arch: 'lstm', emb: 200, hidden: 200, layers: 1, tied: false, dropout: 0.5 }, bs: 32, seq: 30, lr: 1e-3 },
};

const args = process.argv.slice(2);
const flag = (name: string, def: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def; };
const which = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'all';
const steps = flag('--steps', 20);
const noTorch = args.includes('--no-torch');

function randomBatch(v: number, bs: number, seq: number, k: number): LMBatch {
  const x = new Int32Array(bs * seq), y = new Int32Array(bs * seq);
  let s = k * 7919 + 1;
  for (let i = 0; i < x.length; i++) { s = (s * 1103515245 + 12345) >>> 0; x[i] = s % v; s = (s * 1103515245 + 12345) >>> 0; y[i] = s % v; }
  return { x, y, bs, seqLen: seq };
}

function median(a: number[]): number { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; }

async function tfjsStep(name: string, backend: string): Promise<Record<string, unknown>> {
  const c0 = CONFIGS[name];
  const c = resolveModel(c0.model, c0.vocab);
  const p = initParams(c, 1);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, c0.bs);
  const times: number[] = [];
  const cpu: number[] = [];
  const warm = 3;
  for (let k = 0; k < warm + steps; k++) {
    const b = randomBatch(c0.vocab, c0.bs, c0.seq, k);
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const r = trainStep(c, p, opt, b, state, { lr: c0.lr, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, undefined, new Dropout(true, 1, k));
    disposeState(state);
    state = r.state;
    if (k >= warm) {
      times.push(performance.now() - t0);
      const u = process.cpuUsage(u0);
      cpu.push((u.user + u.system) / 1000);
    }
  }
  disposeState(state); opt.dispose(); disposeParams(p);
  const med = median(times);
  return { runtime: `tfjs-${backend}`, config: name, step_ms: { min: Math.min(...times), median: med }, tok_per_s: Math.round((c0.bs * c0.seq) / (med / 1000)), tok_per_s_best: Math.round((c0.bs * c0.seq) / (Math.min(...times) / 1000)),
    // CPU time per step: on a machine shared with other jobs, wall time measures the neighbours too.
    cpu_ms_median: Number(median(cpu).toFixed(1)), tok_per_cpu_s: Math.round((c0.bs * c0.seq) / (median(cpu) / 1000)) };
}

function torch(name: string): Record<string, unknown> | undefined {
  if (noTorch || !existsSync(ANCHOR) || !existsSync('/usr/bin/python3')) return undefined;
  const r = spawnSync('/usr/bin/python3', [ANCHOR, name, '--steps', String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').pop() };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function humanNumbersRun(): Promise<Record<string, unknown>> {
  const { humanNumbersData, lmBatches, lmBatchCount } = await import('../test/train/lm-data.js');
  const d = humanNumbersData();
  const epochs = flag('--epochs', 15);
  const t0 = performance.now();
  const t = await startTrainer({ backend: 'wasm' });
  const r = await t.fit({
    model: { arch: 'lstm', emb: 64, hidden: 64, layers: 2, tied: true, dropout: 0.5, alpha: 2, beta: 1 },
    train: { epochs, lr: flag('--lr', 1e-2), wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] },
    vocab: d.itos,
    trainBatches: (_e, s) => lmBatches(d.train, 64, 16, s),
    trainBatchCount: () => lmBatchCount(d.train.length, 64, 16),
    validBatches: () => lmBatches(d.valid, 64, 16),
    checkpointDir: `/tmp/wm-bench-hn-${process.pid}`,
  });
  await t.close();
  const last = r.epochs[r.epochs.length - 1];
  return {
    config: 'hn', epochs, seconds: (performance.now() - t0) / 1000, accuracy: last.accuracy, validLoss: last.validLoss,
    best_accuracy: Math.max(...r.epochs.map((e) => e.accuracy)), tokensPerSecond: Math.round(r.tokensPerSecond), waitFraction: r.waitFraction,
  };
}

async function main(): Promise<void> {
  if (process.env.WORDMILL_FUSED_LSTM === '0') setFusedLstm(false);
  const info = await selectBackend((process.env.WORDMILL_BACKEND as 'wasm') ?? 'wasm');
  const names = which === 'all' ? ['T1', 'T2', 'hn'] : [which];
  for (const n of names) {
    if (n === 'hn') { console.log(JSON.stringify(await humanNumbersRun())); continue; }
    const mine = await tfjsStep(n, info.backend);
    const ref = torch(n);
    const refTok = (ref?.tok_per_s as { median?: number } | undefined)?.median;
    console.log(JSON.stringify({ ...mine, device: info.device, numTensors: tf.memory().numTensors, torch: ref, ratio_vs_torch: refTok ? Number(((mine.tok_per_s as number) / refTok).toFixed(3)) : undefined }));
  }
}

void main();
