import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRecipe, stageRates, ULMFIT_STAGES } from '../../src/train/recipe.js';
import { WordmillError } from '../../src/errors.js';

test('the classifier section: the seed\'s ULMFiT schedule by default, slices as [lo, hi]', () => {
  const r = resolveRecipe();
  assert.deepEqual(r.stages.map((s) => [s.epochs, s.freezeTo]), [[1, -1], [1, -2], [2, -3], [2, undefined]]);
  assert.deepEqual(stageRates(ULMFIT_STAGES[0]), { lr: 2e-2 });
  assert.deepEqual(stageRates(ULMFIT_STAGES[1]), { lr: 1e-2, lrLow: 1e-2 / 2.6 ** 4 });
  assert.equal(r.bptt, 72);
  assert.equal(r.maxLen, 1440);
  assert.deepEqual(r.linFtrs, [50]);
  assert.equal(r.keep, 'tail', 'a truncated document keeps the tokens fastai\'s SentenceEncoder pools');
  assert.equal(resolveRecipe({ truncate: 256, keep: 'head' }).keep, 'head');
});

test('the classifier section refuses unknown keys and malformed stages, naming them', () => {
  const refused = (given: object, option: string, re: RegExp) => assert.throws(() => resolveRecipe(given),
    (e: WordmillError) => e.code === 'WM_ERR_OPTION' && e.details.option === option && re.test(e.message), JSON.stringify(given));
  refused({ stagez: [] }, 'classifier.stagez', /not a known key; known: .*stages.*did you mean "stages"/);
  refused({ stages: [] }, 'classifier.stages', /at least 1 item/);
  refused({ stages: [{ epochs: 1, lr: [0.1, 0.01] }] }, 'classifier.stages[0].lr', /lo <= hi/);
  refused({ stages: [{ epochs: 0, lr: 0.1 }] }, 'classifier.stages[0].epochs', /must be >= 1 \(got 0\)/);
  refused({ stages: [{ epochs: 1, lr: 0.1, freezeTo: 2 }] }, 'classifier.stages[0].freezeTo', /negative integer/);
  refused({ stages: [{ epochs: 1, lr: 0.1, lrr: 1 }] }, 'classifier.stages[0].lrr', /not a known key; known: epochs, lr, freezeTo/);
  refused({ maxLen: 10, bptt: 72 }, 'classifier.maxLen', />= bptt/);
  refused({ moms: [0.9, 0.8] }, 'classifier.moms', /at least 3 items/);
  refused({ keep: 'middle' }, 'classifier.keep', /head.*tail/);
});
