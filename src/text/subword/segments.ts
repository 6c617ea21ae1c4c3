import { PieceCache } from '../gpt2/piece-cache.js';

/** Words longer than this are segmented each time: one long unbroken run must not evict the whole cache. */
export const MAX_CACHED_CHARS = 256;
const SLOT_BITS = 16;
const POOL = 1 << 20;

/**
 * Each `▁`-word's segmentation from path score 0, kept in typed arrays: per word its key
 * characters, piece ids and piece ends side by side in one pool, its step scores in another.
 * A hit reads three nearby places; the object-per-word cache it replaces read seven scattered
 * ones, and that probe was two thirds of a warm encode on Brown. Cleared when half the slots
 * or either pool is used, so memory stays bounded (about 14 MB per thread) on varied text.
 */
export class SegmentCache {
  private readonly hashes = new Int32Array(1 << SLOT_BITS);
  /** Pool offset + 1 of the slot's entry; 0 marks an empty slot. */
  private readonly offsets = new Int32Array(1 << SLOT_BITS);
  readonly keyLens = new Int32Array(1 << SLOT_BITS);
  readonly counts = new Int32Array(1 << SLOT_BITS);
  readonly stepAt = new Int32Array(1 << SLOT_BITS);
  readonly scores = new Float64Array(1 << SLOT_BITS);
  readonly gaps = new Float64Array(1 << SLOT_BITS);
  readonly pool = new Int32Array(POOL);
  readonly steps = new Float64Array(POOL >> 1);
  private used = 0;
  private poolUsed = 0;
  private stepsUsed = 0;

  static hash = PieceCache.hash;

  /** Where the word's ids start in `pool` (its ends follow them), given its slot. */
  idsAt(slot: number): number {
    return this.offsets[slot] - 1 + this.keyLens[slot];
  }

  /** The slot holding `text.slice(s, e)` (hash `h`), or -1. */
  find(text: string, s: number, e: number, h: number): number {
    const mask = this.hashes.length - 1;
    const len = e - s;
    const pool = this.pool;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = this.offsets[slot] - 1;
      if (at < 0) return -1;
      if (this.hashes[slot] !== h || this.keyLens[slot] !== len) continue;
      let k = 0;
      while (k < len && pool[at + k] === text.charCodeAt(s + k)) k++;
      if (k === len) return slot;
    }
  }

  /** Stores a word's (id, start, end) triples (relative to the word) and scores; returns its slot. */
  add(text: string, s: number, e: number, h: number, triples: readonly number[], steps: ArrayLike<number>, score: number, minGap: number): number {
    const len = e - s;
    const count = triples.length / 3;
    if (2 * (this.used + 1) > this.hashes.length || this.poolUsed + len + 2 * count > this.pool.length || this.stepsUsed + count > this.steps.length) this.clear();
    const mask = this.hashes.length - 1;
    let slot = h & mask;
    while (this.offsets[slot] !== 0) slot = (slot + 1) & mask;
    const at = this.poolUsed;
    const pool = this.pool;
    for (let k = 0; k < len; k++) pool[at + k] = text.charCodeAt(s + k);
    for (let k = 0; k < count; k++) {
      pool[at + len + k] = triples[3 * k];
      pool[at + len + count + k] = triples[3 * k + 2];
      this.steps[this.stepsUsed + k] = steps[k];
    }
    this.hashes[slot] = h;
    this.offsets[slot] = at + 1;
    this.keyLens[slot] = len;
    this.counts[slot] = count;
    this.stepAt[slot] = this.stepsUsed;
    this.scores[slot] = score;
    this.gaps[slot] = minGap;
    this.poolUsed += len + 2 * count;
    this.stepsUsed += count;
    this.used++;
    return slot;
  }

  private clear(): void {
    this.offsets.fill(0);
    this.used = this.poolUsed = this.stepsUsed = 0;
  }
}
