import { cmpCodePoints } from './sentences.js';

/** Doubles a typed array until index `n` fits, keeping its contents. */
export function grow<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (n < a.length) return a;
  let size = a.length * 2;
  while (size <= n) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** What the heap reads about a pair: its length in characters and its text (ties only). */
export interface PairInfo {
  chars: Int32Array;
  text: string[];
}

/**
 * A max-heap of pair ids keyed by (frequency, fewer characters, byte order of the text, lower id),
 * sentencepiece's choice of the next merge with the pair id breaking the one tie it leaves open
 * (two pairs spelling the same text). The frequency kept with an entry is the one it had when pushed:
 * the caller re-pushes a pair whenever its frequency grows, and lets it shrink silently, so every
 * kept key is at least the pair's current one and the top is exact once its kept key is current.
 */
export class PairHeap {
  private ids = new Int32Array(1024);
  private keys = new Float64Array(1024);
  size = 0;

  constructor(private readonly info: PairInfo) {}

  /** Whether entry i goes above entry j. */
  private above(i: number, j: number): boolean {
    const fi = this.keys[i], fj = this.keys[j];
    if (fi !== fj) return fi > fj;
    const a = this.ids[i], b = this.ids[j];
    const ca = this.info.chars[a], cb = this.info.chars[b];
    if (ca !== cb) return ca < cb;
    const t = cmpCodePoints(this.info.text[a], this.info.text[b]);
    return t !== 0 ? t < 0 : a < b;
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i]; this.ids[i] = this.ids[j]; this.ids[j] = id;
    const k = this.keys[i]; this.keys[i] = this.keys[j]; this.keys[j] = k;
  }

  push(id: number, freq: number): void {
    this.ids = grow(this.ids, this.size);
    this.keys = grow(this.keys, this.size);
    let i = this.size++;
    this.ids[i] = id;
    this.keys[i] = freq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  topId(): number { return this.ids[0]; }
  topFreq(): number { return this.keys[0]; }

  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    this.ids[0] = this.ids[n];
    this.keys[0] = this.keys[n];
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let b = i;
      if (l < n && this.above(l, b)) b = l;
      if (r < n && this.above(r, b)) b = r;
      if (b === i) break;
      this.swap(i, b);
      i = b;
    }
  }
}
