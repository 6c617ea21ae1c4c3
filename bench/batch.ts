/**
 * Batch-stream throughput from an in-memory split shaped like a prepared store (uint16 tokens,
 * documents of varied length). Usage: npm run bench -- batch [millions of tokens, default 10]
 * Anchor: copying the same number of tokens uint16 → int32 with one `set()` (the floor for any
 * batcher that returns fresh Int32Arrays).
 */
import { createBatchStream } from '../src/batch/index.js';
import { Rng } from '../src/batch/rng.js';

const millions = Number(process.argv[2] ?? 10);
const n = Math.round(millions * 1e6);
const rng = new Rng(1);
const tokens = new Uint16Array(n);
for (let i = 0; i < n; i++) tokens[i] = rng.nextU32() % 50000;
const starts: number[] = [0];
while (starts[starts.length - 1] < n) starts.push(Math.min(n, starts[starts.length - 1] + 200 + (rng.nextU32() % 5000)));
const docStarts = Float64Array.from(starts);
const labels = Int32Array.from({ length: starts.length - 1 }, (_, i) => i % 2);
const split = { tokens, docStarts, labels };

function best(runs: number, f: () => number): { seconds: number; tokens: number } {
  let seconds = Infinity;
  let count = 0;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    count = f();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { seconds, tokens: count };
}

const anchor = best(5, () => {
  const out = new Int32Array(n);
  out.set(tokens);
  return n;
});
const rate = (r: { seconds: number; tokens: number }) => r.tokens / r.seconds;
console.log(`split: ${n.toLocaleString()} tokens, ${(starts.length - 1).toLocaleString()} documents`);
console.log(`anchor uint16→int32 set(): ${(rate(anchor) / 1e6).toFixed(0)} M tokens/s`);

const cases: [string, object][] = [
  ['lm', { bs: 64, seqLen: 72, shuffle: true }],
  ['lm', { bs: 64, seqLen: 72, shuffle: false }],
  ['lm-random-bptt', { bs: 64, seqLen: 70 }],
  ['lm-random-bptt', { bs: 64, seqLen: 70, sequenceMajor: true }],
  ['bptt', { bs: 64, seqLen: 35, batchFirst: true }],
  ['bptt', { bs: 64, seqLen: 35 }],
  ['d2l-random', { bs: 64, seqLen: 35 }],
  ['d2l-sequential', { bs: 64, seqLen: 35 }],
  ['sortish', { bs: 64, shuffle: true, maxLen: 1440 }],
];
for (const [kind, opts] of cases) {
  const stream = createBatchStream(kind, split, opts);
  // One whole epoch per run (best of 5), the per-epoch shuffle and concatenation included.
  const r = best(5, () => {
    let count = 0;
    for (const b of stream) count += b.x.length;
    return count;
  });
  console.log(`${kind.padEnd(15)} ${JSON.stringify(opts).padEnd(52)} ${(rate(r) / 1e6).toFixed(0).padStart(5)} M tokens/s  (${(rate(r) / rate(anchor)).toFixed(2)}× anchor, epoch ${r.seconds.toFixed(3)} s)`);
}
