/** Words longer than this are segmented each time: one long unbroken run must not evict the whole cache. */
export const MAX_CACHED_CHARS = 256;
/** At most 2^17 slots (half used: Brown's train split has 47,742 distinct words) and 2^21 pool int32s. */
const MAX_SLOTS = 1 << 17;
/** Distinct words the cache holds before it is cleared. */
export const MAX_CACHED_WORDS = MAX_SLOTS / 2;
const MAX_POOL = 1 << 21;
/**
 * Both start small and double as words come: a small corpus's cache stays small enough for the
 * core's cache, and a fresh one costs no page faults up front. Tiny, so that both grow within a
 * worker's first few dozen words, before the JIT optimizes `add`: a growth first reached in
 * optimized code has no type feedback and throws that code away (a pool worker's first chunks ran
 * deoptimized and recompiled twice for the first rehash and pool growth at 4096 slots / 32K int32s).
 */
const FIRST_SLOTS = 1 << 6;
const FIRST_POOL = 1 << 8;

/** Int32s of an entry before its ids: hash, key length | piece count << 16, float32 safe limit. */
const HEAD = 3;

/**
 * Each `▁`-word's segmentation from path score 0, kept in typed arrays: a table of entry offsets,
 * and per word one short entry in one pool: hash, key length and piece count, the limit below which
 * the running path score cannot change the segmentation (float32, rounded down, see `safeLimit`),
 * piece ids, then as 16-bit units the key characters and the piece ends. A hit reads one table slot
 * and ~30 bytes of the pool: with the fields in seven parallel arrays it touched eight cache lines,
 * and the entries' size decides how many stay in the core's cache. Both arrays grow by doubling;
 * at their largest the cache is cleared when half the slots or the pool is used, so memory stays
 * bounded (8.5 MB per thread).
 */
export class SegmentCache {
  /** Entry offset + 1 per slot; 0 marks an empty slot. */
  private table = new Int32Array(FIRST_SLOTS);
  pool = new Int32Array(FIRST_POOL);
  private units = new Uint16Array(this.pool.buffer);
  private limits = new Float32Array(this.pool.buffer);
  private used = 0;
  private poolUsed = 0;

  count(at: number): number {
    return this.pool[at + 1] >>> 16;
  }

  /** Below this |path score| the cached segmentation is the one found from it. */
  limit(at: number): number {
    return this.limits[at + 2];
  }

  /** Where the entry's ids start in `pool`. */
  idsAt(at: number): number {
    return at + HEAD;
  }

  /** The end of piece `k` (relative to the word). */
  end(at: number, k: number): number {
    const meta = this.pool[at + 1];
    return this.units[2 * (at + HEAD + (meta >>> 16)) + (meta & 0xffff) + k];
  }

  /** The entry holding `text.slice(s, e)` (hash `h`), or -1. */
  find(text: string, s: number, e: number, h: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const len = e - s;
    const pool = this.pool;
    const units = this.units;
    for (let t = h & mask; ; t = (t + 1) & mask) {
      const at = table[t] - 1;
      if (at < 0) return -1;
      const meta = pool[at + 1];
      if (pool[at] !== h || (meta & 0xffff) !== len) continue;
      const key = 2 * (at + HEAD + (meta >>> 16)) - s;
      let k = s;
      while (k < e && units[key + k] === text.charCodeAt(k)) k++;
      if (k === e) return at;
    }
  }

  /** Stores a word's (id, start, end) triples (relative to the word) and its safe limit; returns its entry. */
  add(text: string, s: number, e: number, h: number, triples: readonly number[], limit: number): number {
    const len = e - s;
    const count = triples.length / 3;
    const size = HEAD + count + ((len + count + 1) >> 1);
    if (2 * (this.used + 1) > this.table.length) {
      if (this.table.length < MAX_SLOTS) this.rehash(2 * this.table.length);
      else this.clear();
    }
    if (this.poolUsed + size > this.pool.length) {
      if (this.pool.length < MAX_POOL) this.growPool(Math.min(MAX_POOL, Math.max(2 * this.pool.length, this.poolUsed + size)));
      else this.clear();
    }
    const table = this.table;
    const mask = table.length - 1;
    let t = h & mask;
    while (table[t] !== 0) t = (t + 1) & mask;
    const at = this.poolUsed;
    const pool = this.pool;
    const units = this.units;
    pool[at] = h;
    pool[at + 1] = len | (count << 16);
    this.limits[at + 2] = limit;
    const key = 2 * (at + HEAD + count);
    for (let k = 0; k < len; k++) units[key + k] = text.charCodeAt(s + k);
    for (let k = 0; k < count; k++) {
      pool[at + HEAD + k] = triples[3 * k];
      units[key + len + k] = triples[3 * k + 2];
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

  /** A table of `slots` with every entry placed again by its stored hash. */
  private rehash(slots: number): void {
    const old = this.table;
    const table = new Int32Array(slots);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i++) {
      if (old[i] === 0) continue;
      let t = this.pool[old[i] - 1] & mask;
      while (table[t] !== 0) t = (t + 1) & mask;
      table[t] = old[i];
    }
    this.table = table;
  }

  private growPool(size: number): void {
    const pool = new Int32Array(size);
    pool.set(this.pool.subarray(0, this.poolUsed));
    this.pool = pool;
    this.units = new Uint16Array(pool.buffer);
    this.limits = new Float32Array(pool.buffer);
  }
}
