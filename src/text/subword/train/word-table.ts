import { grow } from './pair-heap.js';
import { growUnits } from './load-sentences.js';

/** FNV-1a over code units. */
export const HASH_SEED = 0x811c9dc5;
export const hashStep = (h: number, unit: number): number => Math.imul(h ^ unit, 0x01000193);

// Fields of a slot: the word's hash, id + 1 (0: empty), offset and length of its units in `store`,
// its count and how many of those end a sentence. All fit 32 bits: a count is at most the number of
// units, and the units of every sentence fit one typed array (under 2^32).
const HASH = 0, ID = 1, OFF = 2, LEN = 3, COUNT = 4, ENDS = 5, STRIDE = 8;

/**
 * Distinct words with their counts, keyed by their code units: an open-addressing table over one
 * buffer of the words' units, so a word already seen costs a hash and a compare, no string (a
 * Map keyed by sliced strings was most of sentence loading). A slot holds all a probe reads (one
 * cache line, then the units): the table is larger than the cache, so each array read is a miss.
 */
export class WordTable {
  private slots: Uint32Array;
  /** Per word id: its slot. */
  private slotOf = new Int32Array(1024);
  private store = new Uint16Array(1 << 16);
  private used = 0;
  size = 0;

  /** `expected`: about how many words will be added (the table starts large enough for them). */
  constructor(expected = 0) {
    let n = 1 << 12;
    while (n < 2 * expected) n *= 2;
    this.slots = new Uint32Array(STRIDE * n);
  }

  /** Adds `count` occurrences of the word in buf[from, from + n), `ends` of them at a sentence end. */
  add(buf: Uint16Array, from: number, n: number, count: number, ends: number): void {
    let h = HASH_SEED;
    for (let i = from; i < from + n; i++) h = hashStep(h, buf[i]);
    this.addHashed(buf, from, n, h, count, ends);
  }

  /** add, with the word's hash already computed (hashStep from HASH_SEED over its units). */
  addHashed(buf: Uint16Array, from: number, n: number, hash: number, count: number, ends: number): void {
    const h = hash >>> 0;
    const slots = this.slots;
    const mask = slots.length / STRIDE - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = s * STRIDE;
      if (slots[e + ID] === 0) { this.insert(s, h, buf.subarray(from, from + n), count, ends); return; }
      if (slots[e + HASH] !== h || slots[e + LEN] !== n) continue;
      const off = slots[e + OFF] - from;
      let k = from;
      while (k < from + n && this.store[off + k] === buf[k]) k++;
      if (k === from + n) { slots[e + COUNT] += count; slots[e + ENDS] += ends; return; }
    }
  }

  private insert(slot: number, h: number, word: Uint16Array, count: number, ends: number): void {
    const id = this.size++;
    this.slotOf = grow(this.slotOf, id);
    this.store = growUnits(this.store, this.used + word.length);
    this.store.set(word, this.used);
    const e = slot * STRIDE;
    this.slots[e + HASH] = h;
    this.slots[e + ID] = id + 1;
    this.slots[e + OFF] = this.used;
    this.slots[e + LEN] = word.length;
    this.slots[e + COUNT] = count;
    this.slots[e + ENDS] = ends;
    this.slotOf[id] = slot;
    this.used += word.length;
    // Kept at most half full.
    if (2 * this.size > this.slots.length / STRIDE) this.rehash();
  }

  /** Doubles the table, placing each word by its kept hash (apart: rarely run, it would deoptimize insert). */
  private rehash(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = slots.length / STRIDE - 1;
    for (let o = 0; o < old.length; o += STRIDE) {
      if (old[o + ID] === 0) continue;
      let s = old[o + HASH] & mask;
      while (slots[s * STRIDE + ID] !== 0) s = (s + 1) & mask;
      for (let f = 0; f < STRIDE; f++) slots[s * STRIDE + f] = old[o + f];
      this.slotOf[old[o + ID] - 1] = s;
    }
    this.slots = slots;
  }

  /** Takes every occurrence off word id (its count and ends, returned, become 0). */
  drop(id: number): [count: number, ends: number] {
    const e = this.slotOf[id] * STRIDE;
    const out: [number, number] = [this.slots[e + COUNT], this.slots[e + ENDS]];
    this.slots[e + COUNT] = 0;
    this.slots[e + ENDS] = 0;
    return out;
  }

  /** Word id's code units (a view, valid until the next add). */
  units(id: number): Uint16Array {
    const e = this.slotOf[id] * STRIDE;
    return this.store.subarray(this.slots[e + OFF], this.slots[e + OFF] + this.slots[e + LEN]);
  }

  /** Counts by word id. */
  counts(): Float64Array { return this.field(COUNT); }

  /** Occurrences as the last word of a sentence, by word id. */
  ends(): Float64Array { return this.field(ENDS); }

  private field(f: number): Float64Array {
    const out = new Float64Array(this.size);
    for (let id = 0; id < this.size; id++) out[id] = this.slots[this.slotOf[id] * STRIDE + f];
    return out;
  }

  /** The words' texts, by id (first-seen order), each decoded natively as its own flat string (lone surrogates kept). */
  words(): string[] {
    const bytes = Buffer.from(this.store.buffer, 0, 2 * this.used);
    const out: string[] = new Array(this.size);
    for (let id = 0; id < this.size; id++) {
      const e = this.slotOf[id] * STRIDE;
      out[id] = bytes.toString('utf16le', 2 * this.slots[e + OFF], 2 * (this.slots[e + OFF] + this.slots[e + LEN]));
    }
    return out;
  }
}
