import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpttStream } from '../../src/batch/bptt.js';
import { RandomBpttStream } from '../../src/batch/random-bptt.js';

const range = (n: number, from = 0) => ({ tokens: Int32Array.from({ length: n }, (_, i) => from + i), docStarts: [0, n] });
/** A sequence-major [len, bs] batch as rows of time steps. */
const steps = (a: Int32Array, bs: number) => Array.from({ length: a.length / bs }, (_, t) => [...a.subarray(t * bs, (t + 1) * bs)]);

test('torchtext BPTTIterator: 35 tokens, batch 2, bptt 5 → 4 sequence-major batches, last 2 steps, pad at the end', () => {
  // Padded to 36 (one pad), view(2, -1).t(): column 0 = 0..17, column 1 = 18..34 + pad.
  // len = ceil((35/2 - 1) / 5) = 4; the last batch is min(5, 18 - 15 - 1) = 2 steps.
  const s = new BpttStream(range(35), { bs: 2, seqLen: 5, padId: 99 });
  const got = [...s];
  assert.equal(got.length, 4);
  assert.deepEqual(steps(got[0].x, 2), [[0, 18], [1, 19], [2, 20], [3, 21], [4, 22]]);
  assert.deepEqual(steps(got[0].y, 2), [[1, 19], [2, 20], [3, 21], [4, 22], [5, 23]]);
  assert.deepEqual(steps(got[1].x, 2), [[5, 23], [6, 24], [7, 25], [8, 26], [9, 27]]);
  assert.deepEqual(steps(got[2].x, 2), [[10, 28], [11, 29], [12, 30], [13, 31], [14, 32]]);
  assert.deepEqual(steps(got[3].x, 2), [[15, 33], [16, 34]]);
  assert.deepEqual(steps(got[3].y, 2), [[16, 34], [17, 99]]);
  assert.equal(got[3].seqLen, 2);
  assert.equal(got[0].layout, 'sequence-major');
});

test('torchtext BPTTIterator batchFirst gives the same data as [bs, seqLen]', () => {
  const [b] = new BpttStream(range(35), { bs: 2, seqLen: 5, batchFirst: true });
  assert.deepEqual([...b.x], [0, 1, 2, 3, 4, 18, 19, 20, 21, 22]);
  assert.equal(b.layout, undefined);
});

test('fastai v0.7 random BPTT: first batch bptt+25, later ≥ 5, contiguous, within nb // bptt - 1 batches', () => {
  const bs = 4;
  const bptt = 10;
  const split = range(4003);
  const nb = Math.floor(4003 / bs); // 1000 steps per column
  const s = new RandomBpttStream(split, { bs, seqLen: bptt, seed: 1 });
  for (let epoch = 0; epoch < 3; epoch++) {
    const got = [...s];
    assert.ok(got.length <= Math.floor(nb / bptt) - 1);
    assert.equal(got[0].seqLen, bptt + 25);
    let t = 0;
    const lens = got.map((b) => b.seqLen);
    for (const b of got) {
      for (let c = 0; c < bs; c++) {
        // Column c holds tokens [c*nb, (c+1)*nb): row c of this batch starts at step t.
        assert.equal(b.x[c * b.seqLen], c * nb + t);
        assert.equal(b.y[c * b.seqLen + b.seqLen - 1], c * nb + t + b.seqLen);
      }
      t += b.seqLen;
    }
    assert.ok(t <= nb - 1);
    assert.ok(lens.slice(1, -1).every((l) => l >= 5));
    assert.ok(lens.slice(1).every((l) => l < bptt + 40));
  }
});

test('random BPTT lengths: bptt (p 0.95) or bptt/2 (p 0.05), then normal with sd 5, truncated like int()', () => {
  const bptt = 70;
  const s = new RandomBpttStream(range(2_000_000), { bs: 1, seqLen: bptt, seed: 3 });
  const lens = [...s].map((b) => b.seqLen).slice(1, -1);
  assert.ok(lens.length > 20000);
  const short = lens.filter((l) => l < 52);
  const long = lens.filter((l) => l >= 52);
  // Half-length draws (35 ± 5) and full ones (70 ± 5) do not overlap at 52.
  const frac = short.length / lens.length;
  assert.ok(frac > 0.04 && frac < 0.06, `short fraction ${frac}`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // int() truncates toward zero, so the mean sits about half a token under the normal's mean.
  assert.ok(Math.abs(mean(long) - 69.5) < 0.2, `long mean ${mean(long)}`);
  assert.ok(Math.abs(mean(short) - 34.5) < 0.5, `short mean ${mean(short)}`);
  assert.ok(lens.every(Number.isInteger));
});

test('random BPTT: sequence-major layout, resume equals the uninterrupted stream, seeds differ', () => {
  const opts = { bs: 3, seqLen: 8, seed: 5, sequenceMajor: true };
  const a = new RandomBpttStream(range(3000), opts);
  const whole = [...a, ...a];
  assert.equal(whole[0].layout, 'sequence-major');
  assert.deepEqual([...whole[0].x.subarray(0, 6)], [0, 1000, 2000, 1, 1001, 2001]);
  const b = new RandomBpttStream(range(3000), opts);
  const it = b[Symbol.iterator]();
  for (let i = 0; i < 7; i++) it.next();
  const c = new RandomBpttStream(range(3000), opts);
  c.resume(b.state());
  assert.deepEqual([...c, ...c].map((x) => [...x.x]), whole.slice(7).map((x) => [...x.x]));
  const d = new RandomBpttStream(range(3000), { ...opts, seed: 6 });
  assert.notDeepEqual([...d].map((x) => x.seqLen), whole.slice(0, a.batchesPerEpoch()).map((x) => x.seqLen));
});
