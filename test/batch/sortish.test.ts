import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatchStream } from '../../src/batch/index.js';
import { SortishStream } from '../../src/batch/sortish.js';
import type { ClsBatch } from '../../src/types.js';

/** Document d has length lengths[d] and tokens 1000*d + 2, 1000*d + 3, … (never the pad id). */
function labelled(lengths: number[]) {
  const tokens: number[] = [];
  const docStarts = [0];
  lengths.forEach((l, d) => {
    for (let i = 0; i < l; i++) tokens.push(1000 * d + 2 + i);
    docStarts.push(tokens.length);
  });
  return { tokens: Int32Array.from(tokens), docStarts, labels: Int32Array.from(lengths, (_, d) => d % 3) };
}
const docOf = (t: number) => Math.floor(t / 1000);
const docsIn = (b: ClsBatch) => Array.from({ length: b.bs }, (_, r) => docOf(b.x.subarray(r * b.seqLen, (r + 1) * b.seqLen).find((t) => t !== 1)!));

test('validation: sorted by length descending (ties in index order), padded in front with 1', () => {
  const s = new SortishStream(labelled([3, 5, 2, 5, 1]), { bs: 2 });
  const got = [...s];
  assert.deepEqual(got.map(docsIn), [[1, 3], [0, 2], [4]]);
  assert.deepEqual([...got[1].x], [2, 3, 4, 1, 2002, 2003]);
  assert.deepEqual([...got[1].lengths], [3, 2]);
  assert.deepEqual([...got[1].labels], [0, 2]);
  assert.equal(got[1].seqLen, 3);
  assert.equal(got[2].bs, 1);
});

test('padding at the back, fastai chunk padding, truncation to maxLen (head or tail)', () => {
  const split = labelled([7, 2]);
  const [back] = new SortishStream(split, { bs: 2, pad: 'back' });
  assert.deepEqual([...back.x.subarray(7)], [1002, 1003, 1, 1, 1, 1, 1]);
  // pad_chunk with seq_len 2: gap 5 → 4 pads (two whole chunks) in front, 1 behind.
  const [chunk] = new SortishStream(split, { bs: 2, pad: 'chunk', seqLen: 2 });
  assert.deepEqual([...chunk.x.subarray(7)], [1, 1, 1, 1, 1002, 1003, 1]);
  const [head] = new SortishStream(split, { bs: 2, maxLen: 4 });
  assert.deepEqual([...head.x.subarray(0, 4)], [2, 3, 4, 5]);
  assert.deepEqual([...head.lengths], [4, 2]);
  const [tail] = new SortishStream(split, { bs: 2, maxLen: 4, truncate: 'tail' });
  assert.deepEqual([...tail.x.subarray(0, 4)], [5, 6, 7, 8]);
});

test('training: longest document in the first batch, every document once, chunks of bs*50 sorted, batches shuffled', () => {
  const lengths = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 300));
  lengths[617] = 400;
  const bs = 4;
  const s = new SortishStream(labelled(lengths), { bs, shuffle: true, seed: 11 });
  const e0 = [...s];
  assert.equal(e0.length, 250);
  assert.ok(docsIn(e0[0]).includes(617));
  assert.equal(e0[0].seqLen, 400);
  const all = e0.flatMap(docsIn);
  assert.equal(new Set(all).size, 1000);
  // Within a batch, lengths never increase (each batch is a slice of one sorted chunk of bs*50 = 200).
  for (const b of e0) for (let r = 1; r < b.bs; r++) assert.ok(b.lengths[r] <= b.lengths[r - 1]);
  // Batches are shuffled, so the batch widths are not globally sorted.
  const widths = e0.map((b) => b.seqLen);
  assert.notDeepEqual(widths, [...widths].sort((a, b) => b - a));
  const e1 = [...s];
  assert.notDeepEqual(e1.map(docsIn), e0.map(docsIn));
  assert.ok(docsIn(e1[0]).includes(617));
  const again = new SortishStream(labelled(lengths), { bs, shuffle: true, seed: 11 });
  again.resume({ kind: 'sortish', seed: 11, epoch: 1, batch: 10 });
  assert.deepEqual([...again].map(docsIn), e1.slice(10).map(docsIn));
});

test('sortish needs labels; the factory rejects unknown kinds and options', () => {
  assert.throws(() => new SortishStream({ tokens: new Int32Array(3), docStarts: [0, 3] }), { code: 'WM_ERR_OPTION', message: /label/ });
  assert.throws(() => createBatchStream('nope', labelled([1])), { code: 'WM_ERR_OPTION', message: /nope/ });
  assert.throws(() => createBatchStream('sortish', labelled([1]), { padding: 'front' }), { code: 'WM_ERR_OPTION', message: /padding/ });
  assert.equal(createBatchStream('sortish', labelled([1, 2])).kind, 'sortish');
});

test('the factory accepts each library\'s name for the window length, but not both names', () => {
  const corpus = { tokens: Int32Array.from({ length: 400 }, (_, i) => i), docStarts: [0, 400] };
  const a = createBatchStream('bptt', corpus, { bs: 2, bpttLen: 5 });
  const b = createBatchStream('bptt', corpus, { bs: 2, seqLen: 5 });
  assert.deepEqual([...a].map((x) => [...x.x]), [...b].map((x) => [...x.x]));
  assert.equal([...createBatchStream('d2l-sequential', corpus, { bs: 2, numSteps: 7 })][0].x.length, 14);
  assert.equal([...createBatchStream('lm-random-bptt', corpus, { bs: 2, bptt: 10 })][0].x.length, 2 * 35);
  assert.throws(() => createBatchStream('bptt', corpus, { bpttLen: 5, seqLen: 5 }), { code: 'WM_ERR_OPTION', message: /not both/ });
  assert.throws(() => createBatchStream('lm', corpus, { numSteps: 5 }), { code: 'WM_ERR_OPTION', message: /numSteps/ });
});

/** Row r of b, without its padding (front padding: every pad id comes before the document). */
function rowDoc(b: ClsBatch, r: number): number[] {
  const row = [...b.x.subarray(r * b.seqLen, (r + 1) * b.seqLen)];
  const lead = b.seqLen - b.lengths[r];
  assert.ok(row.slice(0, lead).every((t) => t === 1), 'padding is all in front');
  return row.slice(lead);
}

test('invariants over shuffled epochs: each document once, index names it, labels follow, pads in front, padding() counts them', () => {
  const lengths = Array.from({ length: 523 }, (_, i) => 1 + ((i * 104729) % 97));
  lengths[5] = 300;
  const split = labelled(lengths);
  for (const opts of [{ bs: 7, shuffle: true, seed: 3 }, { bs: 64, shuffle: true, seed: 4 }, { bs: 10 }, { bs: 3, shuffle: true, seed: 3, maxLen: 20, truncate: 'tail' as const }]) {
    const s = new SortishStream(split, opts);
    for (let epoch = 0; epoch < 3; epoch++) {
      const expected = s.padding();
      const seen = new Int32Array(lengths.length);
      let pads = 0;
      let cells = 0;
      for (const b of s) {
        assert.equal(b.kind, 'cls');
        assert.equal(b.index.length, b.bs);
        for (let r = 0; r < b.bs; r++) {
          const d = b.index[r];
          seen[d]++;
          const full = Array.from({ length: lengths[d] }, (_, i) => 1000 * d + 2 + i);
          const want = opts.maxLen ? full.slice(-opts.maxLen) : full;
          assert.deepEqual(rowDoc(b, r), want, `row ${r} holds document ${d}`);
          assert.equal(b.labels[r], split.labels[d]);
        }
        pads += b.x.reduce((n, t) => n + (t === 1 ? 1 : 0), 0);
        cells += b.x.length;
      }
      assert.ok(seen.every((c) => c === 1), `epoch ${epoch}: every document exactly once`);
      assert.equal(expected.padded, pads);
      assert.equal(expected.cells, cells);
      assert.equal(expected.docs, lengths.length);
    }
  }
});

test('seeded determinism: same seed, same batches; another seed, another order; validation is one fixed sorted order', () => {
  const split = labelled(Array.from({ length: 300 }, (_, i) => 1 + ((i * 31) % 50)));
  const order = (s: SortishStream) => [...s].map((b) => [...b.index]);
  assert.deepEqual(order(new SortishStream(split, { bs: 4, shuffle: true, seed: 9 })), order(new SortishStream(split, { bs: 4, shuffle: true, seed: 9 })));
  assert.notDeepEqual(order(new SortishStream(split, { bs: 4, shuffle: true, seed: 9 })), order(new SortishStream(split, { bs: 4, shuffle: true, seed: 10 })));
  const valid = new SortishStream(split, { bs: 4 });
  const v0 = order(valid);
  assert.deepEqual(order(valid), v0, 'validation order does not change between epochs');
  const flat = v0.flat();
  for (let i = 1; i < flat.length; i++) {
    const [a, b] = [flat[i - 1], flat[i]];
    const [la, lb] = [split.docStarts[a + 1] - split.docStarts[a], split.docStarts[b + 1] - split.docStarts[b]];
    assert.ok(la > lb || (la === lb && a < b), 'sorted by length descending, ties by index');
  }
});

test('resume at every position of an epoch gives the same remaining batches (index included)', () => {
  const split = labelled(Array.from({ length: 90 }, (_, i) => 1 + ((i * 13) % 17)));
  const ref = new SortishStream(split, { bs: 4, shuffle: true, seed: 2 });
  [...ref];
  const e1 = [...ref].map((b) => [...b.index]);
  for (let k = 0; k < e1.length; k++) {
    const s = new SortishStream(split, { bs: 4, shuffle: true, seed: 2 });
    s.resume({ kind: 'sortish', seed: 2, epoch: 1, batch: k });
    assert.deepEqual([...s].map((b) => [...b.index]), e1.slice(k));
  }
});

test('sortish keeps padding low on skewed lengths; padding() of a past or future epoch matches its batches', () => {
  // Log-normal-ish lengths like emails: most short, a few very long.
  const lengths = Array.from({ length: 5000 }, (_, i) => Math.round(30 * Math.exp(((i * 7919) % 1000) / 250)));
  const s = new SortishStream(labelled(lengths), { bs: 64, shuffle: true, seed: 1 });
  const future = s.padding(2);
  assert.ok(future.ratio < 0.1, `padding ratio ${future.ratio}`);
  [...s];
  [...s];
  const cells = [...s].reduce((n, b) => n + b.x.length, 0);
  assert.equal(cells, future.cells);
});

test('InputOrder: per-row results of shuffled sortish batches come back in input order; a missing or doubled document is refused', async () => {
  const { InputOrder } = await import('../../src/batch/index.js');
  const lengths = Array.from({ length: 257 }, (_, i) => 1 + ((i * 37) % 41));
  const split = labelled(lengths);
  const s = new SortishStream(split, { bs: 16, shuffle: true, seed: 5 });
  const order = new InputOrder(lengths.length, 2);
  // A "model" whose output for a row is a function of the row's content only (its first real token, its length).
  for (const b of s) {
    const out = new Float32Array(b.bs * 2);
    for (let r = 0; r < b.bs; r++) {
      const doc = rowDoc(b, r);
      out[2 * r] = docOf(doc[0]);
      out[2 * r + 1] = doc.length;
    }
    order.put(b.index, out);
  }
  const res = order.result();
  for (let d = 0; d < lengths.length; d++) assert.deepEqual([res[2 * d], res[2 * d + 1]], [d, lengths[d]]);
  const partial = new InputOrder(3);
  partial.put([2, 0], [1, 1]);
  assert.throws(() => partial.result(), { code: 'WM_ERR_TRAIN', message: /1 of 3 documents missing \(first: 1\)/ });
  assert.throws(() => partial.put([0], [1]), { code: 'WM_ERR_TRAIN', message: /document 0 arrived twice/ });
});
