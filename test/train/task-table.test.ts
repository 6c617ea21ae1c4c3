import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvRow, NO_VALUE, reportEpochs, tableHeader, tableRow } from '../../src/train/task.js';
import type { EpochMetrics } from '../../src/train/types.js';

// What the trainer reports for an epoch of a pipeline without a valid split.
const noValid: EpochMetrics = { epoch: 0, trainLoss: Math.log(6), validLoss: NaN, accuracy: NaN, perplexity: NaN, seconds: 1.5 };
const withValid: EpochMetrics = { epoch: 1, trainLoss: 1.5, validLoss: Math.log(4), accuracy: 0.5, perplexity: 4, seconds: 2 };

test('no valid split: the table shows — in the valid columns and the training perplexity under train_ppl, never NaN', () => {
  const head = tableHeader('lm', false);
  const row = tableRow('lm', noValid);
  assert.equal(head, 'epoch  train_loss  valid_loss  accuracy   train_ppl  time');
  assert.equal(row, `    0      1.7918  ${NO_VALUE.padStart(10)}  ${NO_VALUE.padStart(8)}       6.000  1.5s`);
  assert.doesNotMatch(row, /NaN/);
  // Columns line up with the header.
  assert.equal(row.indexOf('6.000') + 5, head.indexOf('train_ppl') + 9);
});

test('with a valid split the perplexity column is the validation perplexity', () => {
  assert.equal(tableHeader('lm'), 'epoch  train_loss  valid_loss  accuracy  perplexity  time');
  assert.equal(tableRow('lm', withValid), '    1      1.5000      1.3863    0.5000       4.000  2.0s');
});

test('metrics.csv leaves a missing metric empty and --json reports null, not NaN', () => {
  assert.equal(csvRow('lm', noValid), `0,${Math.log(6)},,,,1.5`);
  const json = JSON.parse(JSON.stringify(reportEpochs('lm', [noValid, withValid])));
  assert.deepEqual(json[0], { epoch: 0, trainLoss: Math.log(6), validLoss: null, accuracy: null, perplexity: null, seconds: 1.5 });
  assert.equal(json[1].perplexity, 4);
});
