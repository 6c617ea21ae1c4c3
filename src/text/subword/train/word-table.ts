import { grow } from './pair-heap.js';
import { growUnits } from './load-sentences.js';

/**
 * Distinct words with their counts, keyed by their code units: an open-addressing table over one
 * buffer of the words' units, so a word already seen costs a hash and a compare, no string (a
 * Map keyed by sliced strings was most of sentence loading). Strings are made once per word at the end.
 */
export class WordTable {
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1024);
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private store = new Uint16Array(1 << 16);
  private used = 0;
  counts = new Float64Array(1024);
  /** Occurrences as the last word of a sentence. */
  ends = new Float64Array(1024);
  size = 0;

  /** Adds `count` occurrences of the word in buf[from, from + n), `ends` of them at a sentence end. */
  add(buf: Uint16Array, from: number, n: number, count: number, ends: number): void {
    let h = 0x811c9dc5;
    for (let i = from; i < from + n; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id < 0) { this.insert(s, h, buf.subarray(from, from + n), count, ends); return; }
      if (this.hashes[id] !== h || this.lengths[id] !== n) continue;
      const off = this.offsets[id] - from;
      let k = from;
      while (k < from + n && this.store[off + k] === buf[k]) k++;
      if (k === from + n) { this.counts[id] += count; this.ends[id] += ends; return; }
    }
  }

  /** Word id's code units (a view, valid until the next add). */
  units(id: number): Uint16Array {
    return this.store.subarray(this.offsets[id], this.offsets[id] + this.lengths[id]);
  }

  private insert(slot: number, h: number, word: Uint16Array, count: number, ends: number): void {
    const n = word.length;
    const id = this.size++;
    if (id >= this.hashes.length) {
      this.hashes = grow(this.hashes, id); this.offsets = grow(this.offsets, id); this.lengths = grow(this.lengths, id);
      this.counts = grow(this.counts, id); this.ends = grow(this.ends, id);
    }
    this.store = growUnits(this.store, this.used + n);
    this.store.set(word, this.used);
    this.hashes[id] = h; this.offsets[id] = this.used; this.lengths[id] = n;
    this.counts[id] = count; this.ends[id] = ends;
    this.used += n;
    this.slots[slot] = id;
    // Kept at most half full; rehashed from the kept hashes.
    if (2 * this.size > this.slots.length) {
      const slots = new Int32Array(this.slots.length * 2).fill(-1);
      const mask = slots.length - 1;
      for (let i = 0; i < this.size; i++) {
        let s = this.hashes[i] & mask;
        while (slots[s] >= 0) s = (s + 1) & mask;
        slots[s] = i;
      }
      this.slots = slots;
    }
  }

  /** The words' texts, by id (first-seen order). */
  words(): string[] {
    const out: string[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const u = this.units(i);
      let s = '';
      // In slices: fromCharCode takes its units as arguments.
      for (let k = 0; k < u.length; k += 4096) s += String.fromCharCode(...u.subarray(k, k + 4096));
      out[i] = s;
    }
    return out;
  }
}
