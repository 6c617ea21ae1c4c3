import type { LMBatch } from '../src/types.js';

/**
 * Synthetic ids. Uniform ids would put most targets in the adaptive softmax's tails, which real
 * text does not: `zipf` draws ids with p ∝ 1/rank, as word frequencies roughly are (a full softmax
 * costs the same either way).
 */
export function randomBatch(v: number, bs: number, seq: number, k: number, zipf = false): LMBatch {
  const x = new Int32Array(bs * seq), y = new Int32Array(bs * seq);
  let s = k * 7919 + 1;
  const u = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 4294967296; };
  const draw = () => (zipf ? Math.min(v - 1, Math.floor(Math.exp(u() * Math.log(v + 1))) - 1) : Math.floor(u() * v));
  for (let i = 0; i < x.length; i++) { x[i] = draw(); y[i] = draw(); }
  return { x, y, bs, seqLen: seq };
}
