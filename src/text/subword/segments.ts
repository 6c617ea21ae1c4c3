/** Words longer than this are segmented each time: one long unbroken run must not evict the whole cache. */
export const MAX_CACHED_CHARS = 256;
const SLOT_BITS = 17;
const POOL = 1 << 21;

/** Int32s of an entry before its ids: hash, key length | piece count << 16, float32 safe limit. */
const HEAD = 3;

/**
 * Each `▁`-word's segmentation from path score 0, kept in typed arrays: a table of entry offsets,
 * and per word one short entry in one pool: hash, key length and piece count, the limit below which
 * the running path score cannot change the segmentation (float32, rounded down, see `safeLimit`),
 * piece ids, then as 16-bit units the key characters and the piece ends. A hit reads one table slot
 * and ~30 bytes of the pool: with the fields in seven parallel arrays it touched eight cache lines,
 * and the entries' size decides how many stay in the core's cache. Cleared when half the slots or
 * the pool is used, so memory stays bounded (8.5 MB per thread).
 */
export class SegmentCache {
  /** Entry offset + 1 per slot; 0 marks an empty slot. */
  private readonly table = new Int32Array(1 << SLOT_BITS);
  readonly pool = new Int32Array(POOL);
  private readonly units = new Uint16Array(this.pool.buffer);
  private readonly limits = new Float32Array(this.pool.buffer);
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
    if (2 * (this.used + 1) > this.table.length || this.poolUsed + size > this.pool.length) this.clear();
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
}
