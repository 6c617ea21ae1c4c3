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

test('the classifier table shows the training batches\' padding per epoch; --json and metrics.csv carry it as a ratio', () => {
  const m: EpochMetrics = { epoch: 2, trainLoss: 0.25, validLoss: 0.5, accuracy: 0.9, f1: 0.8, padding: 0.017834, seconds: 3 };
  const head = tableHeader('classifier');
  const row = tableRow('classifier', m);
  assert.equal(head, 'epoch  train_loss  valid_loss  accuracy      f1  padding  time');
  assert.equal(row, '    2      0.2500      0.5000    0.9000  0.8000    1.78%  3.0s');
  assert.equal(row.indexOf('1.78%') + 5, head.indexOf('padding') + 7, 'the column lines up with its header');
  assert.equal(csvRow('classifier', m), '2,0.25,0.5,0.9,0.8,0.017834,3');
  assert.deepEqual(reportEpochs('classifier', [m])[0], { epoch: 2, trainLoss: 0.25, validLoss: 0.5, accuracy: 0.9, f1: 0.8, padding: 0.017834, seconds: 3 });
  // An epoch the trainer reported without it (a direct fit) shows —, and --json leaves the key out.
  const { padding: _, ...bare } = m;
  assert.match(tableRow('classifier', bare), new RegExp(`0\\.8000  ${NO_VALUE.padStart(7)}  3\\.0s$`));
  assert.equal('padding' in reportEpochs('classifier', [bare])[0], false);
});
