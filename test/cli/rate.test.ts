import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatByteRate, formatCount, formatRate } from '../../src/cli/rate.js';

test('rates: under 1/s as seconds per item, one decimal under 10/s, k/M above', () => {
  const cases: [number, string, string][] = [
    [0.4, 'batches', '2.5 s/batch'],
    [0.5, 'docs', '2.0 s/doc'],
    [1 / 250, 'batches', '250 s/batch'],
    [0.999, 'tokens', '1.0 s/token'],
    [1, 'batches', '1.0 batches/s'],
    [9.44, 'batches', '9.4 batches/s'],
    [12.4, 'batches', '12 batches/s'],
    [45_300, 'tokens', '45.3k tokens/s'],
    [2_500_000, 'tokens', '2.50M tokens/s'],
    [0, 'batches', '0 batches/s'],
    [Number.NaN, 'batches', '0 batches/s'],
  ];
  for (const [rate, unit, want] of cases) assert.equal(formatRate(rate, unit), want, `${rate} ${unit}/s`);
});

test('byte rates: kB/s below 0.1 MB/s instead of 0.0 MB/s', () => {
  assert.equal(formatByteRate(40_000), '40.0 kB/s');
  assert.equal(formatByteRate(2_345_678), '2.3 MB/s');
});

test('counts: a fraction of the announced total while running, the actual count once done', () => {
  assert.equal(formatCount(46, 49, 'batches'), '46/49 batches');
  assert.equal(formatCount(49, 49, 'batches', true), '49 batches');
  assert.equal(formatCount(51, 49, 'batches', true), '51 batches', 'an estimated total never hides the real count');
  assert.equal(formatCount(12_345, undefined, 'docs'), '12.3k docs');
});
