/**
 * Trainer throughput side by side with PyTorch, run in the same invocation (the shared anchor
 * /work/shared/anchors/torch_lm_throughput.py; bench/torch_adaptive.py for T2A), as ratios.
 *
 *   node dist/bench/train.js [all|T1|T2|T2A|AWD|T3|hn] [--steps N] [--no-torch] [--threads 1,2] [--epochs N] [--lr X]
 *   node dist/bench/train.js quality --store <token store dir> [--batches N]   adaptive vs full softmax
 *   node dist/bench/train.js parallel [T1] [--split]          data-parallel upper bound (2 threads; --split: bs/2 each)
 *
 * WORDMILL_THREADS (default 1) and WORDMILL_REPLICAS (default 1, as the trainer) set how the step uses the cores;
 * with replicas, set WORDMILL_THREADS=1 (the trainer does: each thread is a replica).
 *
 * T1: Human Numbers' model; T2: WikiText-2-sized (vocab 33278, LSTM 200); T2A: T2 with an adaptive
 * softmax; AWD: fastai's AWD-LSTM (400, 3 × 1152) at Brown's vocabulary 20056, bs 32 × 72; T3: the
 * same model at fastai's defaults (vocab 60000, bs 64 × 72), which wasm trains only through
 * memory.ts's plan (micro-batches, chunked output layer; bench/torch_awd.py is PyTorch's side of both);
 * hn: Human Numbers end to end through the trainer process (quality, seconds, wait).
 * The anchor runs under /work/pyvenv's PyTorch 2.x when that venv exists, else /usr/bin/python3.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';
import { resolveModel } from '../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../src/train/params.js';
import { Adam } from '../src/train/adam.js';
import { Dropout, initState, setFusedLstm } from '../src/train/model.js';
import { trainStep } from '../src/train/tasks/lm.js';
import { disposeState } from '../src/train/model.js';
import { startTrainer } from '../src/train/index.js';
import { describePlan, estimateBytes, planStep } from '../src/train/memory.js';
import { randomBatch } from './random-batch.js';
import { CONFIGS } from './configs.js';
import { ReplicaPool } from '../src/train/replicas/pool.js';
import { replicaCount, replicasNeedWasm } from '../src/train/replicas/choose.js';
import { threadsTextSchema } from '../src/train/protocol.js';
import { check } from '../src/schema/index.js';

const ANCHOR = '/work/shared/anchors/torch_lm_throughput.py';
const PYTHON = existsSync('/work/pyvenv/bin/python') ? '/work/pyvenv/bin/python' : '/usr/bin/python3';

const BIG = new Set(['AWD', 'T3']);

const args = process.argv.slice(2);
const flag = (name: string, def: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def; };
const which = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 'all';
const stepsFlag = flag('--steps', 0);
const stepsFor = (name: string) => stepsFlag || (BIG.has(name) ? 3 : 20);
// The same warm-up on both sides. Ten for the small configs: on two threads wordmill's T1 steps
// took 20-40 ms for the first ~15 steps and a steady 13 ms after (2026-12-04); PyTorch's are steady
// from the first, so more warm-up only takes the start-up out of ours, as a long run does.
const warmFor = (name: string) => (BIG.has(name) ? 1 : 10);
const threadList = (args.includes('--threads') ? args[args.indexOf('--threads') + 1] : '2,1').split(',').map(Number);
const noTorch = args.includes('--no-torch');


function median(a: number[]): number { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; }

async function tfjsStep(name: string, backend: string, rows?: number, replicas?: ReplicaPool): Promise<Record<string, unknown>> {
  const c0 = rows ? { ...CONFIGS[name], bs: rows } : CONFIGS[name];
  const c = resolveModel(c0.model, c0.vocab);
  const p = initParams(c, 1);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, c0.bs);
  const times: number[] = [];
  const cpu: number[] = [];
  const steps = stepsFor(name);
  const warm = warmFor(name);
  const plan = planStep(backend, c, c0.bs, c0.seq);
  let peakBytes = 0;
  for (let k = 0; k < warm + steps; k++) {
    const b = randomBatch(c0.vocab, c0.bs, c0.seq, k, c0.zipf);
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const step = () => trainStep(c, p, { opt, hyper: { lr: c0.lr, beta1: 0.9, beta2: 0.99, wd: 0, eps: 1e-5 }, clip: undefined }, b, state, new Dropout(true, 1, k), plan, replicas);
    let r: Awaited<ReturnType<typeof step>>;
    // The warm-up step (moments allocated, nothing timed) measures the peak of live tensor bytes.
    if (k === warm - 1) {
      let out: Awaited<ReturnType<typeof step>> | undefined;
      peakBytes = (await tf.profile(async () => { out = await step(); })).peakBytes;
      r = out!;
    } else r = await step();
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
  const mib = (b: number) => Math.round(b / 2 ** 20);
  return { runtime: `tfjs-${backend}`, config: name, steps, replicas: replicas?.size ?? 1, plan: describePlan(plan, c0.bs),
    peak_tensor_mib: mib(peakBytes), estimate_mib: mib(estimateBytes(c, c0.bs, c0.seq, plan)), wasm_heap_mib: wasmHeap() && mib(wasmHeap()!), step_ms: { min: Math.min(...times), median: med }, tok_per_s: Math.round((c0.bs * c0.seq) / (med / 1000)), tok_per_s_best: Math.round((c0.bs * c0.seq) / (Math.min(...times) / 1000)),
    // CPU time per step: on a machine shared with other jobs, wall time measures the neighbours too.
    cpu_ms_median: Number(median(cpu).toFixed(1)), tok_per_cpu_s: Math.round((c0.bs * c0.seq) / (median(cpu) / 1000)) };
}

/** The wasm heap's size: it only grows, so after a run it is the run's high-water mark. */
function wasmHeap(): number | undefined {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength;
}

/** T1/T2: the shared anchor; T2A: bench/torch_adaptive.py (PyTorch's adaptive softmax); AWD, T3: bench/torch_awd.py. */
function torch(name: string, threads: number): Record<string, unknown> | undefined {
  if (noTorch || !existsSync(ANCHOR) || !existsSync(PYTHON)) return undefined;
  const own = name === 'T2A' ? 'torch_adaptive.py' : BIG.has(name) ? 'torch_awd.py' : undefined;
  const script = own ? fileURLToPath(new URL(`../../bench/${own}`, import.meta.url)) : ANCHOR;
  const common = ['--steps', String(stepsFor(name)), '--threads', String(threads), '--warmup', String(warmFor(name))];
  const r = spawnSync(PYTHON, name === 'T2A' ? [script, ...common] : [script, name, ...common], { encoding: 'utf8' });
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
  await rm(`/tmp/wm-bench-hn-${process.pid}`, { recursive: true, force: true });
  const last = r.epochs[r.epochs.length - 1];
  return {
    config: 'hn', epochs, seconds: (performance.now() - t0) / 1000, accuracy: last.accuracy, validLoss: last.validLoss,
    best_accuracy: Math.max(...r.epochs.map((e) => e.accuracy)), tokensPerSecond: Math.round(r.tokensPerSecond), waitFraction: r.waitFraction,
  };
}

/**
 * Adaptive vs full softmax on real text: a prepared token store (`--store <dir>`, e.g. Brown),
 * the same model and batches, `--batches` training steps, validation on the first 20k valid tokens.
 */
async function softmaxQuality(): Promise<Record<string, unknown>[]> {
  const { readFileSync } = await import('node:fs');
  const { lmBatches } = await import('../test/train/lm-data.js');
  const dir = args[args.indexOf('--store') + 1];
  const meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8')) as { tokenDType: string };
  const itos = (JSON.parse(readFileSync(`${dir}/vocab.json`, 'utf8')) as { itos: string[] }).itos;
  const load = (split: string, max: number) => {
    // Token files start with a 16-byte header (src/store/format.ts); copy to get aligned arrays.
    const buf = Buffer.from(readFileSync(`${dir}/${split}.tokens.bin`).subarray(16));
    const ids = meta.tokenDType === 'uint16' ? new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2) : new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    return Int32Array.from(ids.subarray(0, Math.min(ids.length, max)));
  };
  const nb = flag('--batches', 100);
  const bs = 32, seq = 30;
  const train = load('train', nb * bs * seq + 1);
  const valid = load('valid', 20000);
  const out: Record<string, unknown>[] = [];
  for (const adaptive of [{ cutoffs: [2000, 10000] }, undefined]) {
    const t = await startTrainer({ backend: 'wasm' });
    const t0 = performance.now();
    const r = await t.fit({
      model: { arch: 'lstm', emb: 200, hidden: 200, layers: 1, tied: false, dropout: 0.2, adaptive },
      train: { epochs: 1, lr: 3e-3, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99], clip: 0.25 },
      vocab: itos,
      trainBatches: (_e, st) => lmBatches(train, bs, seq, st),
      trainBatchCount: () => nb,
      validBatches: () => lmBatches(valid, bs, seq),
      checkpointDir: `/tmp/wm-bench-q-${process.pid}-${adaptive ? 'a' : 'f'}`,
    });
    await t.close();
    await rm(path.dirname(r.checkpoint), { recursive: true, force: true });
    const e = r.epochs[0];
    out.push({ config: 'brown-quality', softmax: adaptive ? 'adaptive [2000,10000]' : 'full', vocab: itos.length, batches: nb, validLoss: e.validLoss, perplexity: e.perplexity, accuracy: e.accuracy, tokensPerSecond: Math.round(r.tokensPerSecond), seconds: (performance.now() - t0) / 1000 });
    console.log(JSON.stringify(out[out.length - 1]));
  }
  return out;
}

/**
 * Upper bound of data parallelism: `threads` worker threads, each with its own wasm backend, run
 * the same step loop at once (no gradient exchange, which would only cost more). If two threads
 * do not beat one by much, averaging gradients across them cannot pay either.
 */
async function parallelBound(name: string, split: boolean): Promise<Record<string, unknown>> {
  const { Worker } = await import('node:worker_threads');
  const run = (threads: number) => Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { name, rows: split ? CONFIGS[name].bs / threads : undefined }, argv: [name] });
    w.once('message', (m: number) => resolve(m));
    w.once('error', reject);
  })));
  const one = await run(1);
  const two = await run(2);
  const c0 = CONFIGS[name];
  const tok = (ms: number[]) => Math.round(ms.reduce((a, m) => a + ((split ? c0.bs / ms.length : c0.bs) * c0.seq) / (m / 1000), 0));
  return { config: name, mode: 'parallel-bound', one_thread_tok_per_s: tok(one), two_threads_tok_per_s: tok(two), speedup: Number((tok(two) / tok(one)).toFixed(2)) };
}

async function main(): Promise<void> {
  const { isMainThread, workerData, parentPort } = await import('node:worker_threads');
  if (!isMainThread) {
    await selectBackend('wasm');
    const wd = workerData as { name: string; rows?: number };
    const r = await tfjsStep(wd.name, 'wasm', wd.rows);
    parentPort!.postMessage((r.step_ms as { median: number }).median);
    return;
  }
  if (which === 'quality') { await softmaxQuality(); return; }
  if (which === 'parallel') { console.log(JSON.stringify(await parallelBound(args[1] ?? 'T1', args.includes('--split')))); return; }
  if (process.env.WORDMILL_FUSED_LSTM === '0') setFusedLstm(false);
  const info = await selectBackend((process.env.WORDMILL_BACKEND as 'wasm') ?? 'wasm', undefined, Number(process.env.WORDMILL_THREADS ?? 1));
  const names = which === 'all' ? ['T1', 'T2', 'T2A', 'hn'] : [which];
  const threads = Number(process.env.WORDMILL_THREADS ?? 1);
  const count = replicaCount(check(threadsTextSchema, process.env.WORDMILL_REPLICAS || '1', 'WORDMILL_REPLICAS'), threads);
  replicasNeedWasm(count, info.backend);
  const replicas = count > 1 ? await ReplicaPool.start(count) : undefined;
  for (const n of names) {
    if (n === 'hn') { console.log(JSON.stringify(await humanNumbersRun())); continue; }
    const mine = await tfjsStep(n, info.backend, undefined, replicas);
    // The anchor's default (2 threads) and 1 thread: on a shared machine, 2 OpenMP threads can
    // lose far more to contention than one does, so both are reported.
    const ratio = (ref: Record<string, unknown> | undefined) => {
      const tok = (ref?.tok_per_s as { median?: number } | undefined)?.median;
      return tok ? Number(((mine.tok_per_s as number) / tok).toFixed(3)) : undefined;
    };
    const refs: Record<string, unknown> = {};
    for (const t of threadList) {
      const ref = torch(n, t);
      refs[`torch_${t}thread`] = ref;
      refs[`ratio_vs_torch_${t}thread`] = ratio(ref);
    }
    console.log(JSON.stringify({ ...mine, device: replicas?.device ?? info.device, numTensors: tf.memory().numTensors, ...refs }));
  }
  await replicas?.close();
}

if (process.argv[1]?.endsWith("train.js")) void main();
