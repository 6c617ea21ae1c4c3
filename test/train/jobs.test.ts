import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { lmBatchCount, lmBatches, numericalize } from './lm-data.js';
import { WordmillError } from '../../src/errors.js';
import { BS, fitOptions, itos, SEQ, tmp, train, trainer, trainTok, validTok } from './fixture.js';

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

test('a flipped byte in a checkpoint stops generate and --resume in the trainer process with WM_ERR_CHECKPOINT naming the file', async () => {
  const t = await trainer();
  const dir = await tmp();
  const r = await t.fit(fitOptions(dir, { train: { epochs: 1, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
  const buf = await fs.readFile(r.checkpoint);
  // A byte in the middle of the weights: the header still parses, only the digest can tell.
  buf[buf.length - 1000] ^= 0x10;
  await fs.writeFile(r.checkpoint, buf);
  // The error is raised in the trainer process: code, message and details cross the IPC boundary.
  const isCorrupt = (e: WordmillError) => e instanceof WordmillError && e.code === 'WM_ERR_CHECKPOINT'
    && e.details.path === r.checkpoint && e.message === `checkpoint ${r.checkpoint} is corrupt: its tensors do not match the SHA-256 digest stored in it`;
  await assert.rejects(t.generate({ checkpoint: r.checkpoint, promptIds: [1, 2], words: 3 }), isCorrupt);
  await assert.rejects(t.fit(fitOptions(dir, { resume: true })), isCorrupt);
  assert.deepEqual(await fs.readFile(r.checkpoint), buf, 'a failed resume does not overwrite the damaged file');
});
