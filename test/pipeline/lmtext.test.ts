import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortishStream, type TokenSplit } from '../../src/batch/index.js';
import { keptText } from '../../src/pipeline/lmtext.js';
import { epochOf } from '../../src/pipeline/batches.js';

// Documents of lengths 5, 2, 7 and 0 (an empty one), ids telling document and position apart.
const split: TokenSplit = {
  tokens: Uint16Array.from([10, 11, 12, 13, 14, 20, 21, 30, 31, 32, 33, 34, 35, 36]),
  docStarts: [0, 5, 7, 14, 14],
  labels: Int32Array.from([0, 1, 0, 1]),
};
const docs = (s: TokenSplit) => Array.from({ length: s.docStarts.length - 1 }, (_, d) => Array.from(s.tokens.subarray(s.docStarts[d], s.docStarts[d + 1])));

test('keptText cuts each document to its last or first n tokens; shorter ones, empty ones and labels stay', () => {
  assert.deepEqual(docs(keptText(split, 3, 'tail')), [[12, 13, 14], [20, 21], [34, 35, 36], []]);
  assert.deepEqual(docs(keptText(split, 3, 'head')), [[10, 11, 12], [20, 21], [30, 31, 32], []]);
  const t = keptText(split, 3, 'tail');
  assert.ok(t.tokens instanceof Uint16Array, 'the store\'s id width is kept');
  assert.equal(t.tokens.length, 8);
  assert.deepEqual(t.labels, split.labels);
  assert.equal(keptText(split, 0, 'tail'), split, '0: whole documents');
  assert.deepEqual(docs(keptText(split, 100, 'head')), docs(split));
});

test('keptText keeps exactly the tokens the truncating sortish stream gives the classifier', () => {
  for (const keep of ['head', 'tail'] as const) {
    const kept = docs(keptText(split, 4, keep));
    const s = new SortishStream(split, { bs: 4, maxLen: 4, truncate: keep, padId: 1, pad: 'back', seqLen: 4 });
    for (const b of epochOf(s, 0, 0)) {
      for (let r = 0; r < b.bs; r++) {
        const row = Array.from(b.x.subarray(r * b.seqLen, r * b.seqLen + b.lengths[r]));
        assert.deepEqual(row, kept[b.index[r]], `${keep}, document ${b.index[r]}`);
      }
    }
  }
});
