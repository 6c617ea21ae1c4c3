import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lmBatchCount, numericalize } from './lm-data.js';
import { BS, fitOptions, itos, SEQ, tmp, train, trainer } from './fixture.js';
import type { FitOptions } from '../../src/train/index.js';

/** A tiny GPT through the trainer process: AdamW with PyTorch's eps, warm-up + cosine. */
const gpt = (dir: string, over: Partial<FitOptions> = {}): FitOptions => fitOptions(dir, {
  model: { arch: 'gpt', emb: 16, layers: 2, heads: 2, context: SEQ, dropout: 0.1 },
  train: { epochs: 2, lr: 1e-2, wd: 0.1, schedule: 'warmup-cosine', warmupPct: 0.1, betas: [0.9, 0.95], eps: 1e-8, clip: 1 },
  ...over,
});

test('gpt in the trainer process: learns, checkpoints, resumes mid-epoch to the same metrics, generates greedily and with beams', async () => {
  const t = await trainer();
  const whole = await t.fit(gpt(await tmp()));
  assert.equal(whole.epochs.length, 2);
  // Human Numbers' vocabulary is ~30 words: a model that learned anything beats chance by far (an untrained one: about the vocabulary size).
  assert.ok(whole.epochs[1].perplexity! < itos.length / 1.5, `perplexity ${whole.epochs[1].perplexity}`);
  assert.ok(whole.epochs[1].validLoss < whole.epochs[0].validLoss);
  const dir = await tmp();
  const stopped = await t.fit(gpt(dir, { stopAfterSteps: lmBatchCount(train.length, BS, SEQ) + 3 }));
  assert.equal(stopped.completed, false);
  const resumed = await t.fit(gpt(dir, { resume: true }));
  assert.equal(resumed.epochs.length, 2);
  for (let e = 0; e < 2; e++) assert.ok(Math.abs(resumed.epochs[e].validLoss - whole.epochs[e].validLoss) < 1e-4, `epoch ${e}: ${resumed.epochs[e].validLoss} vs ${whole.epochs[e].validLoss}`);
  const prompt = Array.from(numericalize(['one', 'hundred', 'and'], itos));
  const g = await t.generate({ checkpoint: resumed.checkpoint, promptIds: prompt, words: 12, greedy: true });
  assert.deepEqual(await t.generate({ checkpoint: resumed.checkpoint, promptIds: prompt, words: 12, greedy: true }), g);
  assert.deepEqual(await t.generate({ checkpoint: resumed.checkpoint, promptIds: prompt, words: 12, beams: 1 }), g);
  const b = await t.generate({ checkpoint: resumed.checkpoint, promptIds: prompt, words: 12, beams: 5, samples: 5 });
  assert.equal(b.length, 5);
  assert.equal(new Set(b.map((r) => r.join())).size, 5);
});
