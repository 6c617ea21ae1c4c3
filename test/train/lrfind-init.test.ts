import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BS, fitOptions, itos, SEQ, tmp, train, trainer } from './fixture.js';
import { lmBatches } from './lm-data.js';
import type { LrFindOptions } from '../../src/train/index.js';
import type { LMBatch } from '../../src/types.js';

// The committed random GPT2LMHeadModel (2 layers, 2 heads, emb 32, 64 positions, 1000 ids) and
// transformers' logits for its two input rows (bench/make_gpt2_fixture.py).
const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/gpt2-tiny', import.meta.url));
const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as { input: number[][]; shape: number[]; logits: number[] };
const [ROWS, LEN, V] = expected.shape;

/** The fixture's rows as one lm batch: x the first LEN−1 ids, y the next ones. */
const batch = (): LMBatch => ({
  bs: ROWS, seqLen: LEN - 1,
  x: Int32Array.from(expected.input.flatMap((r) => r.slice(0, -1))),
  y: Int32Array.from(expected.input.flatMap((r) => r.slice(1))),
});

/**
 * transformers' mean next-token cross-entropy on that batch. Causal attention makes position s's
 * logits depend on ids 0..s only, so the logits of the full rows serve for the shorter x.
 */
function pretrainedLoss(): number {
  let sum = 0;
  for (let b = 0; b < ROWS; b++) {
    for (let s = 0; s < LEN - 1; s++) {
      const row = expected.logits.slice((b * LEN + s) * V, (b * LEN + s + 1) * V);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
      sum += lse - row[expected.input[b][s + 1]];
    }
  }
  return sum / (ROWS * (LEN - 1));
}

const vocab = Array.from({ length: V }, (_, i) => `t${i}`);
const gpt = { arch: 'gpt' as const, layers: 2, heads: 2, emb: 32, context: 64, dropout: 0 };
const sweep = (over: Partial<LrFindOptions>): LrFindOptions => ({
  model: gpt, train: { epochs: 1, lr: 1e-3, wd: 0, schedule: 'constant', betas: [0.9, 0.99] }, vocab,
  trainBatches: () => [batch()], numIt: 3, startLr: 1e-7, endLr: 1e-6, ...over,
});

// The first point's smoothed loss is the first step's loss (the EMA is debiased), taken before any update.
test('lr-find with train.init hf:DIR sweeps the pretrained GPT-2: its first loss is transformers\' loss on that batch', async () => {
  const t = await trainer();
  const want = pretrainedLoss();
  const hf = await t.lrFind(sweep({ train: { epochs: 1, lr: 1e-3, wd: 0, schedule: 'constant', betas: [0.9, 0.99], init: `hf:${FIXTURE}` } }));
  assert.ok(Math.abs(hf.points[0].loss - want) < 1e-4, `first loss ${hf.points[0].loss}, transformers ${want}`);
  const fresh = await t.lrFind(sweep({}));
  assert.ok(Math.abs(fresh.points[0].loss - want) > 1e-2, `a random start (${fresh.points[0].loss}) should not give the pretrained loss ${want}`);
  // `init`: a checkpoint of a fit started from the same weights (one step at an lr that moves nothing).
  const ck = await t.fit({
    model: gpt, train: { epochs: 1, lr: 1e-12, wd: 0, schedule: 'constant', betas: [0.9, 0.99], init: `hf:${FIXTURE}` }, vocab,
    trainBatches: () => [batch()], trainBatchCount: () => 1, validBatches: () => [batch()], checkpointDir: await tmp(), seed: 1,
  });
  const fromCk = await t.lrFind(sweep({ init: ck.checkpoint }));
  assert.ok(Math.abs(fromCk.points[0].loss - want) < 1e-4, `from the checkpoint: ${fromCk.points[0].loss}, transformers ${want}`);
});

test('lr-find with a saveEncoder file starts from the trained encoder, not from scratch', async () => {
  const { saveEncoder } = await import('../../src/train/index.js');
  const t = await trainer();
  const lm = { arch: 'lstm' as const, emb: 24, hidden: 24, layers: 2, tied: true, dropout: 0 };
  const src = await t.fit(fitOptions(await tmp(), { model: lm, train: { epochs: 2, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
  const enc = path.join(await tmp(), 'encoder.wmckpt');
  await saveEncoder(src.checkpoint, enc);
  const opts = (encoder?: string): LrFindOptions => ({
    model: lm, train: { epochs: 1, lr: 1e-2, wd: 0, schedule: 'constant', betas: [0.9, 0.99] }, vocab: itos, encoder,
    trainBatches: (_e, s) => lmBatches(train, BS, SEQ, s), numIt: 2, startLr: 1e-7, endLr: 1e-6,
  });
  const fresh = (await t.lrFind(opts())).points[0].loss;
  const transferred = (await t.lrFind(opts(enc))).points[0].loss;
  // An untrained model is near ln(vocabulary) on Human Numbers; two epochs take it far below.
  assert.ok(transferred < fresh - 1, `encoder start ${transferred} vs fresh ${fresh}`);
});
