import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTrainer, type FitOptions, type TrainerClient } from '../../src/train/index.js';
import { humanNumbers, lmBatchCount, lmBatches, numericalize, vocabOf } from './lm-data.js';
import type { LMBatch } from '../../src/types.js';
import { WordmillError } from '../../src/errors.js';

const trainTok = humanNumbers(1, 700);
const validTok = humanNumbers(701, 900);
const itos = vocabOf(trainTok, validTok);
const train = numericalize(trainTok, itos);
const valid = numericalize(validTok, itos);
const BS = 8, SEQ = 10;

const dirs: string[] = [];
const tmp = async () => { const d = await fs.mkdtemp(path.join(os.tmpdir(), 'wm-train-')); dirs.push(d); return d; };
after(async () => { for (const d of dirs) await fs.rm(d, { recursive: true, force: true }); });

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

function fitOptions(dir: string, over: Partial<FitOptions> = {}): FitOptions {
  return {
    model: { arch: 'lstm', emb: 24, hidden: 24, layers: 2, tied: true, dropout: 0.1, alpha: 2, beta: 1 },
    train: { epochs: 2, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] },
    vocab: itos,
    trainBatches: (_e, start) => lmBatches(train, BS, SEQ, start),
    trainBatchCount: () => lmBatchCount(train.length, BS, SEQ),
    validBatches: () => lmBatches(valid, BS, SEQ),
    checkpointDir: dir,
    seed: 1,
    ...over,
  };
}

let shared: TrainerClient | undefined;
const trainer = async () => (shared ??= await startTrainer({ backend: 'wasm' }));
after(async () => { await shared?.close(); });

test('a short run on a small corpus: loss falls, metrics per epoch, credit window never exceeded', async () => {
  const t = await trainer();
  assert.equal(t.backend, 'wasm');
  assert.match(t.device, /wasm/);
  const seen: number[] = [];
  let pulled = 0;
  const r = await t.fit(fitOptions(await tmp(), {
    train: { epochs: 3, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] },
    // Count batches as the parent pulls them, independently of the client's own accounting.
    trainBatches: function* (_e, start) { for (const b of lmBatches(train, BS, SEQ, start)) { pulled++; yield b; } },
    onEpoch: (m) => seen.push(m.epoch),
  }));
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(r.epochs.length, 3);
  assert.ok(r.epochs[2].validLoss < r.epochs[0].validLoss, `valid loss ${r.epochs.map((e) => e.validLoss)}`);
  assert.ok(r.epochs[2].trainLoss < r.epochs[0].trainLoss);
  assert.ok(r.epochs[2].accuracy > 0.3);
  assert.ok(Math.abs(r.epochs[2].perplexity - Math.exp(r.epochs[2].validLoss)) < 1e-9);
  assert.equal(pulled, 3 * lmBatchCount(train.length, BS, SEQ));
  assert.ok(r.maxInFlight >= 1 && r.maxInFlight <= r.window, `in flight ${r.maxInFlight} > window ${r.window}`);
  assert.ok(r.waitFraction >= 0 && r.waitFraction < 1);
  assert.ok(r.tokensPerSecond > 0);
  assert.equal(r.completed, true);
  await fs.access(r.checkpoint);
});

test('resume after a stop mid-epoch ends with the same metrics as an uninterrupted run', async () => {
  const t = await trainer();
  const whole = await t.fit(fitOptions(await tmp()));
  const dir = await tmp();
  const stopped = await t.fit(fitOptions(dir, { stopAfterSteps: lmBatchCount(train.length, BS, SEQ) + 5 }));
  assert.equal(stopped.completed, false);
  assert.equal(stopped.epochs.length, 1);
  const resumed = await t.fit(fitOptions(dir, { resume: true }));
  assert.equal(resumed.completed, true);
  assert.equal(resumed.epochs.length, 2);
  for (let e = 0; e < 2; e++) {
    assert.ok(Math.abs(resumed.epochs[e].validLoss - whole.epochs[e].validLoss) < 1e-4, `epoch ${e}: ${resumed.epochs[e].validLoss} vs ${whole.epochs[e].validLoss}`);
    assert.ok(Math.abs(resumed.epochs[e].accuracy - whole.epochs[e].accuracy) < 1e-3);
  }
});

test('generation: greedy is deterministic, sampling is seeded, ids stay in the vocabulary', async () => {
  const t = await trainer();
  const r = await t.fit(fitOptions(await tmp(), { train: { epochs: 1, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
  const prompt = numericalize(['one', 'hundred'], itos);
  const g1 = await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 8, greedy: true, samples: 2 });
  const g2 = await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 8, greedy: true, samples: 2 });
  assert.equal(g1.length, 2);
  assert.equal(g1[0].length, 8);
  assert.deepEqual(g1, g2);
  assert.deepEqual(g1[0], g1[1]);
  const s1 = await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 12, temperature: 1.5, samples: 3, seed: 9 });
  const s2 = await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 12, temperature: 1.5, samples: 3, seed: 9 });
  assert.deepEqual(s1, s2);
  assert.ok(s1.flat().every((id) => id >= 0 && id < itos.length));
  const k1 = await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 12, topK: 1, temperature: 1, seed: 3 });
  assert.deepEqual(k1[0], (await t.generate({ checkpoint: r.checkpoint, promptIds: Array.from(prompt), words: 12, greedy: true }))[0]);
});

test('an exploding loss stops the run with WM_ERR_TRAIN and keeps the last good checkpoint', async () => {
  const t = await trainer();
  const dir = await tmp();
  const ok = await t.fit(fitOptions(dir, { train: { epochs: 1, lr: 1e-2, wd: 0, schedule: 'constant', betas: [0.9, 0.99] } }));
  const before = await fs.readFile(ok.checkpoint);
  await assert.rejects(t.fit(fitOptions(dir, {
    model: { arch: 'rnn', emb: 24, hidden: 24, layers: 1, tied: false, dropout: 0 },
    train: { epochs: 1, lr: 1e30, wd: 0, schedule: 'constant', betas: [0.9, 0.99] },
  })), (e: WordmillError) => e.code === 'WM_ERR_TRAIN' && /loss became/.test(e.message));
  assert.deepEqual(await fs.readFile(ok.checkpoint), before);
});

test('the trainer asks for batches ahead but never has more than the window in flight (slow producer)', async () => {
  const t = await trainer();
  let produced = 0;
  let maxAhead = 0;
  let consumedSteps = 0;
  const r = await t.fit(fitOptions(await tmp(), {
    train: { epochs: 1, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] },
    trainBatches: async function* (_e, start) {
      for (const b of lmBatches(train, BS, SEQ, start)) {
        await new Promise((res) => setTimeout(res, 2));
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumedSteps);
        yield b;
      }
    },
    onStep: (s) => { consumedSteps = s.batch; },
  }));
  assert.ok(r.maxInFlight <= r.window);
  assert.ok(produced === lmBatchCount(train.length, BS, SEQ));
  assert.ok(maxAhead >= 1);
});

test('the trainer process dying rejects the fit with WM_ERR_TRAIN', async () => {
  const t = await startTrainer({ backend: 'wasm' });
  const pid = (t as unknown as { pid: number }).pid;
  let started: () => void;
  const first = new Promise<void>((r) => { started = r; });
  const fit = t.fit(fitOptions(await tmp(), {
    // Hands over a few batches, then stalls forever: only the child's death can end this fit.
    trainBatches: async function* (): AsyncGenerator<LMBatch> {
      let n = 0;
      for (const b of lmBatches(train, BS, SEQ)) { if (n++ === 2) { started(); await new Promise(() => {}); } yield b; }
    },
  }));
  await first;
  process.kill(pid, 'SIGKILL');
  await assert.rejects(fit, (e: WordmillError) => e.code === 'WM_ERR_TRAIN' && /died/.test(e.message));
  await assert.rejects(t.generate({ checkpoint: 'x', promptIds: [1], words: 1 }), (e: WordmillError) => e.code === 'WM_ERR_TRAIN');
  await t.close();
});

test('aborting kills the trainer process and rejects with WM_ERR_ABORTED', async () => {
  const ac = new AbortController();
  const t = await startTrainer({ backend: 'wasm', signal: ac.signal });
  const pid = (t as unknown as { pid: number }).pid;
  assert.ok(alive(pid));
  const fit = t.fit(fitOptions(await tmp(), {
    trainBatches: async function* (): AsyncGenerator<LMBatch> {
      let n = 0;
      for (const b of lmBatches(train, BS, SEQ)) { if (n++ === 2) { ac.abort(); await new Promise(() => {}); } yield b; }
    },
  }));
  await assert.rejects(fit, (e: WordmillError) => e.code === 'WM_ERR_ABORTED');
  assert.equal(alive(pid), false);
});

test('an unavailable backend is refused with WM_ERR_BACKEND', async () => {
  await assert.rejects(startTrainer({ backend: 'tensorflow-gpu' }), (e: WordmillError) => e.code === 'WM_ERR_BACKEND');
});

test('lr finder: exponential sweep, smoothed losses, a suggestion inside the range, an SVG plot', async () => {
  const t = await trainer();
  const dir = await tmp();
  const r = await t.lrFind({
    model: { arch: 'lstm', emb: 16, hidden: 16, layers: 1, tied: true, dropout: 0 },
    train: { epochs: 1, lr: 1e-2, wd: 0.01, schedule: 'constant', betas: [0.9, 0.99] },
    vocab: itos,
    trainBatches: (_e, s) => lmBatches(train, BS, SEQ, s),
    numIt: 40, startLr: 1e-5, endLr: 10, plotPath: path.join(dir, 'lr.svg'),
  });
  assert.ok(r.points.length >= 10 && r.points.length <= 40);
  for (let i = 1; i < r.points.length; i++) assert.ok(r.points[i].lr > r.points[i - 1].lr);
  assert.ok(Math.abs(r.points[0].lr - 1e-5) < 1e-12);
  assert.ok(r.suggestion > 1e-5 && r.suggestion < 10);
  assert.equal(r.plot, path.join(dir, 'lr.svg'));
  assert.match(await fs.readFile(r.plot!, 'utf8'), /^<svg[^>]*>[\s\S]*<path d="M/);
});

test('transfer: a saved encoder starts a model for another vocabulary ahead of a fresh one', async () => {
  const { saveEncoder } = await import('../../src/train/index.js');
  const t = await trainer();
  const src = await t.fit(fitOptions(await tmp(), { train: { epochs: 2, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
  const enc = path.join(await tmp(), 'encoder.wmckpt');
  await saveEncoder(src.checkpoint, enc);
  // The new vocabulary reorders the words and adds two unseen ones (their rows start at the mean).
  const itos2 = ['xxunk', 'xxpad', ...[...itos].reverse()];
  const train2 = numericalize(trainTok, itos2), valid2 = numericalize(validTok, itos2);
  const opts = (dir: string, encoder?: string) => fitOptions(dir, {
    vocab: itos2, encoder, train: { epochs: 1, lr: 1e-3, wd: 0.1, schedule: 'constant', betas: [0.9, 0.99] },
    trainBatches: (_e, s) => lmBatches(train2, BS, SEQ, s), validBatches: () => lmBatches(valid2, BS, SEQ),
  });
  const warm = await t.fit(opts(await tmp(), enc));
  const cold = await t.fit(opts(await tmp()));
  assert.ok(warm.epochs[0].validLoss < cold.epochs[0].validLoss, `${warm.epochs[0].validLoss} vs ${cold.epochs[0].validLoss}`);
});

test('adaptive softmax trains through the trainer process and its loss falls', async () => {
  const t = await trainer();
  const r = await t.fit(fitOptions(await tmp(), {
    model: { arch: 'lstm', emb: 24, hidden: 24, layers: 1, tied: false, dropout: 0, adaptive: { cutoffs: [8, 20] } },
    train: { epochs: 2, lr: 1e-2, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99] },
  }));
  assert.ok(r.epochs[1].validLoss < r.epochs[0].validLoss || r.epochs[1].accuracy > r.epochs[0].accuracy);
  assert.ok(r.epochs[1].accuracy > 0.2);
  const g = await t.generate({ checkpoint: r.checkpoint, promptIds: [1, 2], words: 5, greedy: true });
  assert.ok(g[0].every((id) => id >= 0 && id < itos.length));
});

for (const model of [
  { arch: 'awd-lstm' as const, emb: 16, hidden: 24, layers: 3, tied: true, dropout: 0, dropMult: 0.5, alpha: 2, beta: 1 },
  { arch: 'gru' as const, emb: 16, hidden: 24, layers: 2, tied: false, dropout: 0.2 },
]) {
  test(`${model.arch}: trains in the trainer process (finite losses, better than chance)`, async () => {
    const t = await trainer();
    const r = await t.fit(fitOptions(await tmp(), { model, train: { epochs: 2, lr: 1e-2, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99], clip: 0.5 } }));
    assert.ok(r.epochs.every((e) => Number.isFinite(e.validLoss) && Number.isFinite(e.trainLoss)));
    assert.ok(r.epochs[1].validLoss < Math.log(itos.length), `valid loss ${r.epochs[1].validLoss}`);
  });
}
