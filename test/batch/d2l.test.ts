import assert from 'node:assert/strict';
import { test } from 'node:test';
import { D2lRandomStream, D2lSequentialStream } from '../../src/batch/d2l.js';

const corpus = { tokens: Int32Array.from({ length: 35 }, (_, i) => i), docStarts: [0, 35] };
const rows = (a: Int32Array, n: number) => Array.from({ length: a.length / n }, (_, r) => [...a.subarray(r * n, (r + 1) * n)]);
const seq = (from: number, n = 5) => Array.from({ length: n }, (_, i) => from + i);

/** The first seed whose epoch-0 offset is `offset` (the offset is the only random draw of d2l-sequential). */
function seedFor(make: (seed: number) => D2lSequentialStream | D2lRandomStream, offset: number): number {
  for (let seed = 0; seed < 1000; seed++) if (make(seed).epochPlan(0).offset === offset) return seed;
  throw new Error(`no seed gives offset ${offset}`);
}

test('d2l seq_data_iter_sequential on range(35), batch 2, 5 steps: offsets 0, 3 and 5 (d2l draws randint(0, 5))', () => {
  const make = (seed: number) => new D2lSequentialStream(corpus, { bs: 2, seqLen: 5, seed });
  // offset 0: 34 tokens → rows [0..16], [17..33] → 3 batches
  let got = [...make(seedFor(make, 0))];
  assert.equal(got.length, 3);
  assert.deepEqual(rows(got[0].x, 5), [seq(0), seq(17)]);
  assert.deepEqual(rows(got[0].y, 5), [seq(1), seq(18)]);
  assert.deepEqual(rows(got[1].x, 5), [seq(5), seq(22)]);
  assert.deepEqual(rows(got[2].x, 5), [seq(10), seq(27)]);
  // offset 3: ((35 - 3 - 1) // 2) * 2 = 30 tokens → rows [3..17], [18..32] → 3 batches
  got = [...make(seedFor(make, 3))];
  assert.deepEqual(got.map((b) => rows(b.x, 5)), [[seq(3), seq(18)], [seq(8), seq(23)], [seq(13), seq(28)]]);
  assert.deepEqual(rows(got[2].y, 5), [seq(14), seq(29)]);
  // offset 5 (the inclusive upper end): 28 tokens → rows [5..18], [19..32] → 2 batches
  got = [...make(seedFor(make, 5))];
  assert.deepEqual(got.map((b) => rows(b.x, 5)), [[seq(5), seq(19)], [seq(10), seq(24)]]);
});

test('d2l seq_data_iter_random on range(35), batch 2, 5 steps: 6 subsequences from the offset, 3 batches, each once', () => {
  for (const offset of [0, 2, 4]) {
    const make = (seed: number) => new D2lRandomStream(corpus, { bs: 2, seqLen: 5, seed });
    const s = make(seedFor(make, offset));
    const starts = s.epochPlan(0).starts;
    const got = [...s];
    assert.equal(got.length, 3);
    // (35 - offset - 1) // 5 = 6 subsequences for offsets 0..4.
    assert.deepEqual(starts.flat().sort((a, b) => a - b), [0, 5, 10, 15, 20, 25].map((k) => k + offset));
    got.forEach((b, i) => {
      assert.deepEqual(rows(b.x, 5), starts[i].map((st) => seq(st)));
      assert.deepEqual(rows(b.y, 5), starts[i].map((st) => seq(st + 1)));
    });
  }
});

test('d2l offsets are drawn in range and vary by epoch; resume replays the same epoch', () => {
  const s = new D2lRandomStream(corpus, { bs: 2, seqLen: 5, seed: 9 });
  const offsets = new Set(Array.from({ length: 40 }, (_, e) => s.epochPlan(e).offset));
  assert.ok([...offsets].every((o) => o >= 0 && o <= 4));
  assert.ok(offsets.size > 1);
  const seqOffsets = new Set(Array.from({ length: 60 }, (_, e) => new D2lSequentialStream(corpus, { bs: 2, seqLen: 5, seed: 1 }).epochPlan(e).offset));
  assert.deepEqual([...seqOffsets].sort(), [0, 1, 2, 3, 4, 5]);
  const whole = [...s, ...s].map((b) => [...b.x]);
  const r = new D2lRandomStream(corpus, { bs: 2, seqLen: 5, seed: 9 });
  r.resume({ kind: 'd2l-random', seed: 9, epoch: 0, batch: 2 });
  assert.deepEqual([...r, ...r].map((b) => [...b.x]), whole.slice(2));
});
