import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LMStream } from '../../src/batch/lm.js';
import type { TokenSplit } from '../../src/batch/types.js';

/** Documents of the given lengths whose tokens are their global positions (0, 1, 2, …). */
function split(lengths: number[]): TokenSplit {
  const total = lengths.reduce((a, b) => a + b, 0);
  const tokens = new Uint16Array(total).map((_, i) => i);
  const docStarts = [0];
  for (const l of lengths) docStarts.push(docStarts[docStarts.length - 1] + l);
  return { tokens, docStarts };
}

const rows = (a: Int32Array, bs: number) => Array.from({ length: bs }, (_, r) => [...a.subarray(r * (a.length / bs), (r + 1) * (a.length / bs))]);

test('fastai layout: 23 tokens, bs 2, seqLen 4 → bl 11, batches of 4, 4, 3 columns', () => {
  // round_down(23 - 1, 2) = 22 → bl = 11; row 0 reads [0, 11), row 1 reads [11, 22).
  const s = new LMStream(split([5, 8, 10]), { bs: 2, seqLen: 4 });
  const got = [...s];
  assert.equal(got.length, 3);
  assert.deepEqual(rows(got[0].x, 2), [[0, 1, 2, 3], [11, 12, 13, 14]]);
  assert.deepEqual(rows(got[0].y, 2), [[1, 2, 3, 4], [12, 13, 14, 15]]);
  assert.deepEqual(rows(got[2].x, 2), [[8, 9, 10], [19, 20, 21]]);
  assert.deepEqual(rows(got[2].y, 2), [[9, 10, 11], [20, 21, 22]]);
  assert.equal(got[2].seqLen, 3);
  assert.equal(got[0].bs, 2);
});

test('Brown figures from BEHAVIOUR.md: 1,378,319 tokens, bs 64, seqLen 72 → bl 21,536, 300 batches, last 8 wide', () => {
  const s = new LMStream({ tokens: new Uint16Array(1378319), docStarts: [0, 1378319] }, { bs: 64, seqLen: 72 });
  assert.equal(s.batchesPerEpoch(), 300);
  const all = [...s];
  assert.equal(all[299].seqLen, 8);
  assert.equal(all[0].x.length, 64 * 72);
});

test('invariants with shuffling: rows continue across batches, every usable token is a target exactly once', () => {
  const sp = split([7, 3, 12, 1, 9, 30, 2, 5, 11, 4]);
  const s = new LMStream(sp, { bs: 3, seqLen: 5, shuffle: true, seed: 42 });
  for (let epoch = 0; epoch < 3; epoch++) {
    const batches = [...s];
    const seen = new Uint8Array(84 + 1);
    const rowsSoFar: number[][] = [[], [], []];
    for (const b of batches) {
      for (let r = 0; r < 3; r++) {
        const x = [...b.x.subarray(r * b.seqLen, (r + 1) * b.seqLen)];
        const y = [...b.y.subarray(r * b.seqLen, (r + 1) * b.seqLen)];
        rowsSoFar[r].push(...x);
        for (const t of y) seen[t]++;
      }
    }
    // Concatenating the rows must give one permutation of documents with no token lost or repeated in x.
    const stream = rowsSoFar.flat();
    assert.equal(stream.length, 81); // round_down(84 - 1, 3)
    assert.equal(new Set(stream).size, 81);
    // Row r of batch k+1 continues row r of batch k: y of one batch ends where x of the next begins.
    for (let k = 0; k + 1 < batches.length; k++) {
      for (let r = 0; r < 3; r++) {
        const a = batches[k];
        const b = batches[k + 1];
        assert.equal(a.y[r * a.seqLen + a.seqLen - 1], b.x[r * b.seqLen]);
      }
    }
    assert.equal([...seen].filter((c) => c === 1).length, 81);
    assert.ok([...seen].every((c) => c <= 1));
  }
});

test('shuffling keeps documents whole and differs between epochs; same seed, same stream', () => {
  const sp = split(Array.from({ length: 30 }, (_, i) => 3 + (i % 4)));
  const a = new LMStream(sp, { bs: 2, seqLen: 8, shuffle: true, seed: 7 });
  const b = new LMStream(sp, { bs: 2, seqLen: 8, shuffle: true, seed: 7 });
  const e0 = [...a].map((x) => [...x.x]);
  const e1 = [...a].map((x) => [...x.x]);
  assert.deepEqual([...b].map((x) => [...x.x]), e0);
  assert.notDeepEqual(e0, e1);
  const unshuffled = new LMStream(sp, { bs: 2, seqLen: 8 });
  assert.deepEqual([...unshuffled][0].x.subarray(0, 8), Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
});

test('resume mid-epoch continues exactly like the uninterrupted stream', () => {
  const sp = split(Array.from({ length: 40 }, (_, i) => 2 + (i % 7)));
  const opts = { bs: 4, seqLen: 3, shuffle: true, seed: 3 };
  const full = new LMStream(sp, opts);
  const whole = [...full, ...full].map((b) => [...b.x, ...b.y]);
  const first = new LMStream(sp, opts);
  const it = first[Symbol.iterator]();
  for (let i = 0; i < 5; i++) it.next();
  const saved = first.state();
  assert.deepEqual(saved, { kind: 'lm', seed: 3, epoch: 0, batch: 5 });
  const resumed = new LMStream(sp, opts);
  resumed.resume(JSON.parse(JSON.stringify(saved)));
  const rest = [...resumed, ...resumed].map((b) => [...b.x, ...b.y]);
  assert.deepEqual(rest, whole.slice(5));
});

test('options are validated; too few tokens is a clear error', () => {
  assert.throws(() => new LMStream(split([10]), { bs: 2, seqLn: 3 } as never), { code: 'WM_ERR_OPTION', message: /seqLn/ });
  assert.throws(() => new LMStream(split([3]), { bs: 4 }), { code: 'WM_ERR_OPTION', message: /bs/ });
  assert.throws(() => new LMStream(split([10]), { bs: 2 }).resume({ kind: 'bptt', seed: 0, epoch: 0, batch: 0 }), { code: 'WM_ERR_OPTION' });
});

test('batchStage yields whole epochs asynchronously and stops on abort', async () => {
  const { batchStage } = await import('../../src/batch/index.js');
  const { defaultContext } = await import('../../src/stage.js');
  const sp = split([50, 50]);
  const s = new LMStream(sp, { bs: 3, seqLen: 5 });
  const per = s.batchesPerEpoch();
  let n = 0;
  for await (const _ of batchStage(s, defaultContext(), 2)) n++;
  assert.equal(n, 2 * per);
  assert.deepEqual(s.state(), { kind: 'lm', seed: 0, epoch: 2, batch: 0 });
  const ac = new AbortController();
  const got: number[] = [];
  await assert.rejects((async () => {
    for await (const b of batchStage(new LMStream(sp, { bs: 3, seqLen: 5 }), defaultContext(ac.signal), 1)) {
      got.push(b.x[0]);
      if (got.length === 2) ac.abort();
    }
  })(), { code: 'WM_ERR_ABORTED' });
  assert.equal(got.length, 2);
});

test('a consumer that takes exactly one epoch of batches and stops gets the next epoch on the next iteration', () => {
  const sp = split([30, 30, 30]);
  const s = new LMStream(sp, { bs: 2, seqLen: 7, shuffle: true, seed: 4 });
  const ref = new LMStream(sp, { bs: 2, seqLen: 7, shuffle: true, seed: 4 });
  const e0 = [...ref].map((b) => [...b.x]);
  const e1 = [...ref].map((b) => [...b.x]);
  const n = s.batchesPerEpoch();
  const it = s[Symbol.iterator]();
  const took = Array.from({ length: n }, () => [...(it.next().value as { x: Int32Array }).x]);
  assert.deepEqual(took, e0);
  assert.deepEqual(s.state(), { kind: 'lm', seed: 4, epoch: 1, batch: 0 });
  assert.deepEqual([...s].map((b) => [...b.x]), e1);
});
