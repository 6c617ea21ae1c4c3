/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32. Small, fast, with a 2^128 period and a
 * four-word state. Every epoch gets its own generator derived from (seed, epoch, purpose), so a stream's
 * position is just (epoch, batch) and resuming never depends on how many numbers were drawn before.
 */
export class Rng {
  private s = new Uint32Array(4);

  constructor(...seeds: number[]) {
    let x = 0x9e3779b9;
    for (const v of seeds) x = mix(x ^ (v >>> 0)) ^ mix((v / 0x100000000) >>> 0);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      this.s[i] = mix(x);
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Uniform uint32. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi], inclusive like Python's `random.randint`. */
  randint(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  /** Normal draw (Box–Muller). */
  normal(mean: number, sd: number): number {
    let u = 0;
    while (u === 0) u = this.random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  /** Fisher–Yates in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function mix(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Purposes, so draws for different decisions of one epoch never share a generator. */
export const PURPOSE = { docs: 1, lengths: 2, offset: 3, order: 4, batches: 5 } as const;
