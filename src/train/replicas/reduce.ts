import { reserve, sumModule } from '../simd/load.js';

/**
 * The step's gradient sum, shared by the replicas: each sums its own range of floats across every
 * part's buffer, in part order, into part 0's. Per float that is the sequence of float32 additions
 * the trainer's thread made alone (((g0 + g1) + g2) + …, each rounded to float32: a float64 add of
 * two float32 values rounded once to float32 is the float32 add), so the bits do not change, but
 * the serial sum of (n − 1) × weights floats becomes one of ~weights / n floats per replica
 * (BENCHMARKS.md, "Replicas past two cores").
 */

// 16k floats (64 KiB) a block: n parts' blocks stay in L2 while they are summed.
const BLOCK = 16384;

/**
 * parts[0][i] = (…(parts[0][i] + parts[1][i]) + …) + parts[n−1][i] for i in [from, to): block by
 * block in sum.wat (0.2 ns a float read, copies in and out included, against 1.2 ns for the JS
 * loop, which runs where the module cannot load).
 */
export function sumInto(parts: Float32Array[], from: number, to: number): void {
  const k = sumModule();
  if (!k) { sumIntoJs(parts, from, to); return; }
  reserve(k, parts.length * BLOCK * 4);
  const heap = new Float32Array(k.memory.buffer);
  for (let b0 = from; b0 < to; b0 += BLOCK) {
    const len = Math.min(BLOCK, to - b0);
    // Whole vectors: a short last block's padding is summed and never copied out.
    const stride = (len + 3) & ~3;
    parts.forEach((g, p) => heap.set(g.subarray(b0, b0 + len), p * stride));
    k.sum(parts.length, stride);
    parts[0].set(heap.subarray(0, len), b0);
  }
}

export function sumIntoJs(parts: Float32Array[], from: number, to: number): void {
  const s = parts[0];
  for (let b0 = from; b0 < to; b0 += BLOCK) {
    const b1 = Math.min(to, b0 + BLOCK);
    for (let k = 1; k < parts.length; k++) {
      const g = parts[k];
      for (let i = b0; i < b1; i++) s[i] += g[i];
    }
  }
}

/** [from, to) of replica r of n over `total` floats: contiguous, as even as whole floats allow. */
export function rangeOf(r: number, n: number, total: number): { from: number; to: number } {
  return { from: Math.floor((r * total) / n), to: Math.floor(((r + 1) * total) / n) };
}
