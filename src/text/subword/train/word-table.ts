import { grow } from './pair-heap.js';
import { growUnits } from './load-sentences.js';

/**
 * Distinct words with their counts, keyed by their code units: an open-addressing table over one
 * buffer of the words' units, so a word already seen costs a hash and a compare, no string (a
 * Map keyed by sliced strings was most of sentence loading). Strings are made once per word at the end.
 */
export class WordTable {
  /** Per slot: the word's hash and id + 1 (0: empty), side by side so a probe reads one place. */
  private slots = new Int32Array(2 << 12);
  /** Per word: offset and length of its units in `store`. */
  private spans = new Int32Array(2048);
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
    const mask = (this.slots.length >> 1) - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[2 * s + 1] - 1;
      if (id < 0) { this.insert(s, h, buf.subarray(from, from + n), count, ends); return; }
      if (this.slots[2 * s] !== h || this.spans[2 * id + 1] !== n) continue;
      const off = this.spans[2 * id] - from;
      let k = from;
      while (k < from + n && this.store[off + k] === buf[k]) k++;
      if (k === from + n) { this.counts[id] += count; this.ends[id] += ends; return; }
    }
  }

  /** Word id's code units (a view, valid until the next add). */
  units(id: number): Uint16Array {
    return this.store.subarray(this.spans[2 * id], this.spans[2 * id] + this.spans[2 * id + 1]);
  }

  private insert(slot: number, h: number, word: Uint16Array, count: number, ends: number): void {
    const id = this.size++;
    if (id >= this.counts.length) { this.spans = grow(this.spans, 2 * id + 1); this.counts = grow(this.counts, id); this.ends = grow(this.ends, id); }
    this.store = growUnits(this.store, this.used + word.length);
    this.store.set(word, this.used);
    this.spans[2 * id] = this.used;
    this.spans[2 * id + 1] = word.length;
    this.counts[id] = count;
    this.ends[id] = ends;
    this.used += word.length;
    this.slots[2 * slot] = h;
    this.slots[2 * slot + 1] = id + 1;
    // Kept at most half full; rehashed from the kept hashes.
    if (4 * this.size > this.slots.length) {
      const old = this.slots;
      const slots = new Int32Array(old.length * 2);
      const mask = (slots.length >> 1) - 1;
      for (let i = 0; i < old.length; i += 2) {
        if (old[i + 1] === 0) continue;
        let s = old[i] & mask;
        while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
        slots[2 * s] = old[i];
        slots[2 * s + 1] = old[i + 1];
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
