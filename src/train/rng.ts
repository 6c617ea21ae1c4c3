import { maskModule, reserve } from './simd/load.js';

/**
 * Deterministic randomness. Every dropout mask and every sample is drawn from a generator seeded by
 * (run seed, global step, purpose), never from a stream carried across steps, so a resumed run
 * draws exactly the masks the uninterrupted run would have drawn.
 */
export function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(p / 4294967296), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

const STEP = 0x6d2b79f5;
/** mulberry32's output for state `a`, as an unsigned 32-bit integer. */
function scramble(a: number): number {
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** mulberry32: tiny, fast, good enough for dropout masks and sampling. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + STEP) >>> 0;
    return scramble(a) / 4294967296;
  };
}

/**
 * An inverted-dropout mask: 0 with probability p, else 1/(1-p); the draws of rng(seed), in order.
 * simd/mask.wat draws four at a time (~0.6 ns a value with the copy out, against ~7 in JS: 0.7 ms
 * of T1's step); its memory keeps the largest mask drawn in the thread (AWD's weight masks: 21 MB).
 * dropMaskJs is the same function, where that module cannot load. A draw u / 2³² is below p
 * exactly when the integer u is below ⌈p·2³²⌉.
 */
export function dropMask(n: number, p: number, seed: number): Float32Array {
  const k = maskModule();
  const cut = Math.ceil(p * 4294967296);
  if (!k || cut > 0xffffffff) return dropMaskJs(n, p, seed);
  const bytes = Math.ceil(n / 4) * 16;
  reserve(k, bytes);
  k.mask(n, seed | 0, cut | 0, 1 / (1 - p));
  return new Float32Array(k.memory.buffer, 0, n).slice();
}

export function dropMaskJs(n: number, p: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const keep = 1 / (1 - p);
  const cut = p * 4294967296;
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + STEP) >>> 0;
    out[i] = scramble(a) < cut ? 0 : keep;
  }
  return out;
}

/** Standard normal draws (Box-Muller), for weight initialisation. */
export function normal(n: number, std: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12);
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function uniform(n: number, bound: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * bound;
  return out;
}
