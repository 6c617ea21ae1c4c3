import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLS_ITOS, PAD, epochOf, labelledSplit, sortish } from './cls-data.js';
import { tmp, trainer } from './fixture.js';
import type { FitOptions } from '../../src/train/index.js';
import { maxAbsDiff } from './tf-env.js';

const train = labelledSplit(320, 1);
const valid = labelledSplit(120, 2);
const SPEC = { classes: ['neg', 'pos'], bptt: 8, maxLen: 1440, linFtrs: [16], padId: PAD };
const majority = (labels: Int32Array) => Math.max(...[0, 1].map((k) => labels.filter((l) => l === k).length)) / labels.length;

function options(dir: string, over: Partial<FitOptions> = {}): FitOptions {
  const tr = sortish(train, { bs: 16, shuffle: true, seed: 3 });
  const va = sortish(valid, { bs: 32, shuffle: false });
  return {
    task: 'classifier', classifier: SPEC,
    model: { arch: 'lstm', emb: 16, hidden: 16, layers: 1, tied: false, dropout: 0.1 },
    train: { epochs: 3, lr: 1e-2, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99] },
    vocab: CLS_ITOS,
    trainBatches: (e, start) => epochOf(tr, e, start),
    trainBatchCount: () => tr.batchesPerEpoch(),
    validBatches: () => epochOf(va, 0),
    checkpointDir: dir, seed: 1, ...over,
  };
}

test('a short classifier run from scratch beats the majority class; predict returns input order whatever the batch order', async () => {
  const t = await trainer();
  const r = await t.fit(options(await tmp()));
  assert.equal(r.completed, true);
  const last = r.epochs[r.epochs.length - 1];
  const floor = majority(valid.labels);
  assert.ok(floor > 0.5 && floor < 0.7, `majority ${floor}`);
  assert.ok(last.accuracy > floor + 0.1, `valid accuracy ${last.accuracy} vs majority class ${floor}`);
  assert.ok(last.f1! > 0.5 && last.perplexity === undefined, JSON.stringify(last));
  // Shuffled sortish batches (rows out of order, varied padding) against one document per batch in order.
  const shuffled = await t.predict({ checkpoint: r.checkpoint, batches: epochOf(sortish(valid, { bs: 7, shuffle: true, seed: 11 }), 0) });
  const alone = await t.predict({ checkpoint: r.checkpoint, batches: epochOf(sortish(valid, { bs: 1, shuffle: false }), 0) });
  assert.equal(shuffled.probs.length, valid.labels.length);
  assert.deepEqual(shuffled.classes, ['neg', 'pos']);
  // sortish bs 1 without shuffle is sorted by length: map rows back by `index` is what predict does.
  for (let d = 0; d < valid.labels.length; d++) {
    assert.ok(maxAbsDiff(shuffled.probs[d], alone.probs[d]) < 1e-4, `document ${d}: ${shuffled.probs[d]} vs ${alone.probs[d]}`);
    assert.equal(shuffled.labels[d], alone.labels[d]);
  }
  const right = shuffled.labels.filter((l, d) => l === SPEC.classes[valid.labels[d]]).length / valid.labels.length;
  assert.ok(Math.abs(right - last.accuracy) < 1e-9, `predict's accuracy ${right} is validation's ${last.accuracy}`);
});

test('classifier stages: freezeTo + lrLow start from the previous stage; resume after a stop gives the same metrics', async () => {
  const t = await trainer();
  const first = await t.fit(options(await tmp(), { freezeTo: -1, train: { epochs: 1, lr: 2e-2, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99] } }));
  const stage2 = (dir: string, over: Partial<FitOptions> = {}) => options(dir, {
    init: first.checkpoint, freezeTo: -2, lrLow: 1e-2 / 2.6 ** 4, train: { epochs: 2, lr: 1e-2, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99] }, ...over,
  });
  const whole = await t.fit(stage2(await tmp()));
  const dir = await tmp();
  const stopped = await t.fit(stage2(dir, { stopAfterSteps: 25 }));
  assert.equal(stopped.completed, false);
  const resumed = await t.fit(stage2(dir, { resume: true }));
  assert.equal(resumed.epochs.length, 2);
  for (let e = 0; e < 2; e++) {
    assert.ok(Math.abs(resumed.epochs[e].validLoss - whole.epochs[e].validLoss) < 1e-4, `epoch ${e}: ${resumed.epochs[e].validLoss} vs ${whole.epochs[e].validLoss}`);
  }
});
