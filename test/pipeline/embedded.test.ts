import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanNumbersDocs, humanNumbersLines, numberToWords } from '../../src/pipeline/embedded.js';

test('numbers in words, as fastai\'s Human Numbers files write them', () => {
  const cases: Array<[number, string]> = [
    [1, 'one'], [13, 'thirteen'], [20, 'twenty'], [21, 'twenty one'], [100, 'one hundred'],
    [105, 'one hundred five'], [110, 'one hundred ten'], [999, 'nine hundred ninety nine'],
    [1000, 'one thousand'], [1005, 'one thousand five'], [2100, 'two thousand one hundred'],
    [7999, 'seven thousand nine hundred ninety nine'], [9999, 'nine thousand nine hundred ninety nine'],
  ];
  for (const [n, words] of cases) assert.equal(numberToWords(n), words, String(n));
  assert.throws(() => numberToWords(0), RangeError);
  assert.throws(() => numberToWords(10000), RangeError);
});

test('splits: train 1–7999, valid 8001–9999, 9,998 lines, a 30-token vocabulary', async () => {
  const docs = [];
  for await (const d of humanNumbersDocs()) docs.push(d);
  assert.deepEqual(docs.map((d) => [d.id, d.split]), [['human_numbers/train.txt#0', 'train'], ['human_numbers/valid.txt#0', 'valid']]);
  const lines = docs.map((d) => d.text.split(' . '));
  assert.equal(lines[0].length, 7999);
  assert.equal(lines[1].length, 1999);
  assert.equal(lines[0][0], 'one');
  assert.equal(lines[1][0], 'eight thousand one');
  assert.ok(!lines.flat().includes('eight thousand'), '8000 is in neither split');
  const vocab = new Set(docs.flatMap((d) => d.text.split(' ')));
  assert.equal(vocab.size, 30);
  assert.ok(vocab.has('.') && vocab.has('thousand') && vocab.has('hundred'));
  assert.ok(!vocab.has('and'));
  for (const w of vocab) assert.doesNotMatch(w, /-/);
  assert.deepEqual(humanNumbersLines(8, 10), ['eight', 'nine', 'ten']);
});
