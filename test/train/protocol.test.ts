import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBatch } from '../../src/train/protocol.js';
import { WordmillError } from '../../src/errors.js';

const lm = { x: Int32Array.from([1, 2, 3, 4]), y: Int32Array.from([2, 3, 4, 5]), bs: 2, seqLen: 2, layout: 'extra' };
const cls = { kind: 'cls' as const, x: Int32Array.from([1, 1, 5, 6]), lengths: Int32Array.from([1, 2]), labels: Int32Array.from([0, 1]), index: Int32Array.from([7, 3]), bs: 2, seqLen: 2 };

test('packBatch tags each batch with the task\'s kind and sends only that kind\'s fields', () => {
  assert.deepEqual(packBatch('lm', lm, 0), { kind: 'lm', x: lm.x, y: lm.y, bs: 2, seqLen: 2 });
  assert.deepEqual(packBatch('cls', cls, 0), cls);
  // Through the structured clone the IPC channel uses, typed arrays stay typed arrays.
  const cloned = structuredClone(packBatch('cls', cls, 0));
  assert.ok(cloned.kind === 'cls' && cloned.index instanceof Int32Array && cloned.index[0] === 7);
});

test('packBatch refuses a batch of the wrong kind or shape, naming the batch', () => {
  const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: WordmillError) => e.code === 'WM_ERR_TRAIN' && re.test(e.message));
  refused(() => packBatch('lm', cls, 4), /^batch 4: .*targets y/);
  refused(() => packBatch('cls', lm, 2), /^batch 2: .*lengths/);
  refused(() => packBatch('cls', { ...cls, index: Int32Array.from([1]) }, 0), /index \(one per row, 2\)/);
  refused(() => packBatch('lm', { ...lm, bs: 3 }, 1), /4 ids for bs 3 × seqLen 2/);
});
