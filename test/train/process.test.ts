import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { startTrainer } from '../../src/train/index.js';
import { lmBatchCount, lmBatches } from './lm-data.js';
import type { LMBatch } from '../../src/types.js';
import { WordmillError } from '../../src/errors.js';
import { alive, BS, fitOptions, SEQ, tmp, train, trainer } from './fixture.js';

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
  assert.ok(Math.abs(r.epochs[2].perplexity! - Math.exp(r.epochs[2].validLoss)) < 1e-9);
  assert.equal(pulled, 3 * lmBatchCount(train.length, BS, SEQ));
  assert.ok(r.maxInFlight >= 1 && r.maxInFlight <= r.window, `in flight ${r.maxInFlight} > window ${r.window}`);
  assert.ok(r.waitFraction >= 0 && r.waitFraction < 1);
  assert.ok(r.tokensPerSecond > 0);
  assert.equal(r.completed, true);
  await fs.access(r.checkpoint);
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

test('a failing fit releases the caller\'s batch iterators (finally blocks run)', async () => {
  const t = await trainer();
  let released = 0;
  await assert.rejects(t.fit(fitOptions(await tmp(), {
    model: { arch: 'rnn', emb: 24, hidden: 24, layers: 1, tied: false, dropout: 0 },
    train: { epochs: 1, lr: 1e30, wd: 0, schedule: 'constant', betas: [0.9, 0.99] },
    trainBatches: function* (_e, start) { try { yield* lmBatches(train, BS, SEQ, start); } finally { released++; } },
  })), (e: WordmillError) => e.code === 'WM_ERR_TRAIN');
  assert.equal(released, 1);
});

test('bad training options are refused before anything runs, naming the option', async () => {
  const t = await trainer();
  for (const [train, option] of [
    [{ epochs: 0, lr: 1e-2, wd: 0, schedule: 'one-cycle', betas: [0.9, 0.99] }, 'train.epochs'],
    [{ epochs: 1, lr: 0, wd: 0, schedule: 'one-cycle', betas: [0.9, 0.99] }, 'train.lr'],
    [{ epochs: 1, lr: 1e-2, wd: 0, schedule: 'cosine', betas: [0.9, 0.99] }, 'train.schedule'],
  ] as const) {
    await assert.rejects(t.fit(fitOptions(await tmp(), { train: train as never })), (e: WordmillError) => e.code === 'WM_ERR_OPTION' && e.details.option === option);
  }
  // The model registry refuses an unknown arch, naming the known ones.
  await assert.rejects(t.fit(fitOptions(await tmp(), { model: { arch: 'transformer' as never, emb: 8, hidden: 8, layers: 1, tied: true, dropout: 0 } })),
    (e: WordmillError) => e.code === 'WM_ERR_OPTION' && e.details.option === 'model.arch' && /known: lstm, gru, rnn, awd-lstm/.test(e.message));
});
