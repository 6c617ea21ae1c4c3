/** Words longer than this are segmented each time: one long unbroken run must not evict the whole cache. */
export const MAX_CACHED_CHARS = 256;
const SLOT_BITS = 16;
const POOL = 1 << 21;

/** Int32s of an entry before its key: hash, key length, piece count, padding, then float64 score and margin. */
const HEAD = 8;

/**
 * Each `▁`-word's segmentation from path score 0, kept in typed arrays: a table of entry offsets,
 * and per word one entry laid out in one pool: hash, key length, piece count, path score, smallest
 * margin (float64s, through a view of the same buffer), key characters, piece ids, piece ends. A
 * hit reads one table slot and one short stretch of the pool: with the fields in seven parallel
 * arrays it touched eight cache lines, and waiting on them was most of a warm encode. Cleared
 * when half the slots or the pool is used, so memory stays bounded (8.25 MB per thread).
 */
export class SegmentCache {
  /** Entry offset + 1 per slot; 0 marks an empty slot. */
  private readonly table = new Int32Array(1 << SLOT_BITS);
  readonly pool = new Int32Array(POOL);
  /** The pool as float64s (entries start at even offsets). */
  private readonly floats = new Float64Array(this.pool.buffer);
  private used = 0;
  private poolUsed = 0;

  count(at: number): number {
    return this.pool[at + 2];
  }

  score(at: number): number {
    return this.floats[(at >> 1) + 2];
  }

  gap(at: number): number {
    return this.floats[(at >> 1) + 3];
  }

  /** Where the entry's ids start in `pool` (its ends follow them). */
  idsAt(at: number): number {
    return at + HEAD + this.pool[at + 1];
  }

  /** The entry holding `text.slice(s, e)` (hash `h`), or -1. */
  find(text: string, s: number, e: number, h: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const len = e - s;
    const pool = this.pool;
    for (let t = h & mask; ; t = (t + 1) & mask) {
      const at = table[t] - 1;
      if (at < 0) return -1;
      if (pool[at] !== h || pool[at + 1] !== len) continue;
      let k = 0;
      const key = at + HEAD;
      while (k < len && pool[key + k] === text.charCodeAt(s + k)) k++;
      if (k === len) return at;
    }
  }

  /** Stores a word's (id, start, end) triples (relative to the word) and its path's score and margin; returns its entry. */
  add(text: string, s: number, e: number, h: number, triples: readonly number[], score: number, minGap: number): number {
    const len = e - s;
    const count = triples.length / 3;
    const size = (HEAD + len + 2 * count + 1) & ~1;
    if (2 * (this.used + 1) > this.table.length || this.poolUsed + size > this.pool.length) this.clear();
    const table = this.table;
    const mask = table.length - 1;
    let t = h & mask;
    while (table[t] !== 0) t = (t + 1) & mask;
    const at = this.poolUsed;
    const pool = this.pool;
    pool[at] = h;
    pool[at + 1] = len;
    pool[at + 2] = count;
    this.floats[(at >> 1) + 2] = score;
    this.floats[(at >> 1) + 3] = minGap;
    for (let k = 0; k < len; k++) pool[at + HEAD + k] = text.charCodeAt(s + k);
    const ids = at + HEAD + len;
    for (let k = 0; k < count; k++) {
      pool[ids + k] = triples[3 * k];
      pool[ids + count + k] = triples[3 * k + 2];
    }
    table[t] = at + 1;
    this.poolUsed += size;
    this.used++;
    return at;
  }

  private clear(): void {
    this.table.fill(0);
    this.used = this.poolUsed = 0;
  }
}
