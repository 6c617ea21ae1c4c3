/**
 * Validation perplexity on Brown against PyTorch with the same model, initial weights, batches,
 * optimizer and schedule (issue 6's quality target: within 3 %).
 *
 *   node dist/bench/brown_parity.js [--arch lstm|gpt] [--store <Brown store dir>] [--steps 300] [--lr 5e-3]
 *        [--bs 32] [--seq 30] [--valid-tokens N] [--threads 1] [--sequential] [--keep <dir>]
 *
 * --arch lstm (default): an LSTM on Brown's word tokens, fastai's Adam and one-cycle.
 * --arch gpt: issue 13's small GPT (4 layers, 4 heads, emb 128, context 128) on Brown through
 * subword tokens (text.tokenizer subword, fastai's default vocabulary size), AdamW (eps 1e-8, wd 0.01,
 * β 0.9/0.95, clip 1) with warm-up + cosine (10 % warm-up), bs 16 × 128 unless --bs/--seq.
 * Without --store, `node bin/wordmill.js prepare brown --json` (with --set text.tokenizer=subword for
 * gpt) finds (or builds) the store. This
 * script writes wordmill's own `lm` batches (train: the first `steps`; valid: the whole split, or
 * its first N tokens) and the trainer's initial weights (initParams with the run's seed) to files;
 * bench/torch_brown.py loads those same files, so only the frameworks differ. The PyTorch run starts
 * alongside ours (each takes one core) unless --sequential.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createBatchStream, type LMBatchOut, type TokenSplit } from '../src/batch/index.js';
import { openStore } from '../src/store/index.js';
import { resolveModel, ONE_CYCLE, startTrainer, type TrainerModelSpec } from '../src/train/index.js';
import { initParams, disposeParams, noDecay } from '../src/train/params.js';
import type { TrainSpec } from '../src/pipeline/spec.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const num = (name: string, def: number) => Number(opt(name) ?? def);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const SEED = 42;
const arch = opt('--arch') ?? 'lstm';
if (arch !== 'lstm' && arch !== 'gpt') throw new Error(`--arch must be lstm or gpt (got ${arch})`);
const gpt = arch === 'gpt';
const BS = num('--bs', gpt ? 16 : 32), SEQ = num('--seq', gpt ? 128 : 30);
const steps = num('--steps', 300);
// Dropout 0: the two frameworks draw different masks, and the comparison should isolate the math.
const model: TrainerModelSpec = gpt
  ? { arch: 'gpt', emb: 128, layers: 4, heads: 4, context: 128, dropout: 0 } as TrainerModelSpec
  : { arch: 'lstm', emb: 200, hidden: 200, layers: 1, tied: false, dropout: 0 };
const train: TrainSpec = gpt
  ? { epochs: 1, lr: num('--lr', 1e-3), wd: 0.01, schedule: 'warmup-cosine', warmupPct: 0.1, betas: [0.9, 0.95], eps: 1e-8, clip: 1 }
  : { epochs: 1, lr: num('--lr', 5e-3), wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99], clip: 0.25 };

function storeDir(): string {
  const given = opt('--store');
  if (given) return given;
  const r = spawnSync(process.execPath, [path.join(root, 'bin/wordmill.js'), 'prepare', 'brown', ...(gpt ? ['--set', 'text.tokenizer=subword'] : []), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`wordmill prepare brown failed (exit ${r.status})`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { store: string }).store;
}

async function writeBatches(dir: string, name: string, batches: LMBatchOut[]): Promise<number[]> {
  const cat = (k: 'x' | 'y') => {
    const out = new Int32Array(batches.reduce((a, b) => a + b.x.length, 0));
    let o = 0;
    for (const b of batches) { out.set(b[k], o); o += b[k].length; }
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  };
  await writeFile(path.join(dir, `${name}_x.i32`), cat('x'));
  await writeFile(path.join(dir, `${name}_y.i32`), cat('y'));
  return batches.map((b) => b.seqLen);
}

/** The trainer's initial weights (same function and seed as the trainer process), one .f32 file each. */
async function writeInit(dir: string, vocab: number): Promise<Record<string, number[]>> {
  await tf.setBackend('cpu');
  const p = initParams(resolveModel(model, vocab), SEED);
  const shapes: Record<string, number[]> = {};
  for (const [k, v] of p) {
    const d = v.dataSync() as Float32Array;
    await writeFile(path.join(dir, `param_${k}.f32`), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    shapes[k] = v.shape;
  }
  disposeParams(p);
  return shapes;
}

/** Perplexity of the valid tokens under train-split unigram frequencies (add-one): the floor to beat. */
function unigramPerplexity(trainIds: ArrayLike<number>, validIds: ArrayLike<number>, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (let i = 0; i < trainIds.length; i++) counts[trainIds[i]]++;
  const total = trainIds.length + vocab;
  let nll = 0;
  for (let i = 1; i < validIds.length; i++) nll -= Math.log(counts[validIds[i]] / total);
  return Math.exp(nll / (validIds.length - 1));
}

function runTorch(dir: string): Promise<Record<string, unknown>> {
  const script = path.join(root, 'bench/torch_brown.py');
  // PyTorch 2.x from the project's venv when there is one (the anchor), else the system's python3.
  const py = existsSync('/work/pyvenv/bin/python') ? '/work/pyvenv/bin/python' : '/usr/bin/python3';
  const p = spawn(py, [script, '--dir', dir, '--threads', String(num('--threads', 1))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  return new Promise((resolve, reject) => {
    p.once('error', reject);
    p.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>) : reject(new Error(`torch_brown.py exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const dir = storeDir();
  const store = await openStore(dir);
  const itos = store.vocab.itos as string[];
  const V = itos.length;
  const trainSplit = store.split('train');
  const full = store.split('valid');
  const vt = Math.min(num('--valid-tokens', full.nTokens), full.nTokens);
  const validSplit: TokenSplit = vt === full.nTokens ? full : { tokens: full.tokens.subarray(0, vt), docStarts: [0, vt] };
  const trainStream = createBatchStream('lm', trainSplit, { bs: BS, seqLen: SEQ, shuffle: false });
  if (trainStream.batchesPerEpoch() < steps) throw new Error(`--steps ${steps} exceeds one epoch (${trainStream.batchesPerEpoch()} batches)`);
  const trainBatches: LMBatchOut[] = [];
  for (const b of trainStream) { if (trainBatches.length === steps) break; trainBatches.push(b as LMBatchOut); }
  const validBatches = [...createBatchStream('lm', validSplit, { bs: BS, seqLen: SEQ, shuffle: false })] as LMBatchOut[];

  const work = opt('--keep') ?? await mkdtemp(path.join(os.tmpdir(), 'wm-brown-parity-'));
  await mkdir(work, { recursive: true });
  const shapes = await writeInit(work, V);
  const validSeqLens = await writeBatches(work, 'valid', validBatches);
  await writeBatches(work, 'train', trainBatches);
  const config = {
    store: dir, vocab: V, model, train: { ...train, eps: train.eps ?? 1e-5, oneCycle: ONE_CYCLE }, bs: BS, seqLen: SEQ, steps, seed: SEED,
    noDecay: [...noDecay(resolveModel(model, V))],
    trainTokens: steps * BS * SEQ, validTokens: validBatches.reduce((a, b) => a + b.bs * b.seqLen, 0), validSeqLens, shapes,
  };
  await writeFile(path.join(work, 'config.json'), JSON.stringify(config));
  const { validSeqLens: _omit, shapes: _s, noDecay: _n, ...stated } = config;
  console.log(JSON.stringify({ config: stated, unigramPerplexity: Number(unigramPerplexity(trainSplit.tokens, validSplit.tokens, V).toFixed(1)) }));

  const sequential = args.includes('--sequential');
  const torchRun = sequential ? undefined : runTorch(work);
  const losses: Record<number, number> = {};
  const t0 = performance.now();
  const trainer = await startTrainer({ backend: 'wasm' });
  const r = await trainer.fit({
    model, train, vocab: itos, seed: SEED, checkpointDir: path.join(work, 'ckpt'), checkpointSeconds: 0,
    trainBatches: (_e, start) => trainBatches.slice(start),
    trainBatchCount: () => steps,
    validBatches: () => validBatches,
    onStep: (s) => { losses[s.batch] = s.loss; },
  });
  await trainer.close();
  const e = r.epochs[0];
  const mine = {
    runtime: `tfjs-${r.backend}`, validLoss: e.validLoss, perplexity: e.perplexity!, accuracy: e.accuracy,
    wallSeconds: (performance.now() - t0) / 1000, trainTokPerS: Math.round(r.tokensPerSecond),
    smoothLoss: Object.fromEntries([1, 10, 50, 100, 200, steps].filter((k) => losses[k] !== undefined).map((k) => [k, Number(losses[k].toFixed(4))])),
  };
  console.log(JSON.stringify(mine));
  const ref = await (torchRun ?? runTorch(work));
  console.log(JSON.stringify(ref));
  const ratio = mine.perplexity / (ref.perplexity as number);
  // Step time as a ratio: train tokens/s on each side (the same tokens per step), > 1 = wordmill slower.
  const stepRatio = (ref.trainTokPerS as number) / mine.trainTokPerS;
  console.log(JSON.stringify({ arch, tfjsPerplexity: mine.perplexity, torchPerplexity: ref.perplexity, ratio: Number(ratio.toFixed(4)), within3pct: Math.abs(ratio - 1) <= 0.03,
    stepTimeRatio: Number(stepRatio.toFixed(3)), tfjsStepSeconds: Number(((BS * SEQ) / mine.trainTokPerS).toFixed(3)), torchMedianStepSeconds: ref.medianStepSeconds, concurrent: !sequential, uptime: os.loadavg().map((l) => l.toFixed(2)).join(' ') }));
  if (!opt('--keep')) await rm(work, { recursive: true, force: true });
}

await main();
