import { WordmillError } from '../errors.js';

/**
 * Counts tokens across chunks and gives each distinct token a provisional id in order of first
 * appearance. Chunks arrive in corpus order, so provisional ids (and hence every tie-break by first
 * appearance) are the same whatever the worker count or timing.
 */
export class TokenCounter {
  /** Provisional id → token. */
  readonly tokens: string[] = [];
  private readonly index = new Map<string, number>();
  // Float64 counts: a Uint32 would overflow on a >4G-token corpus of one token, a Map of numbers costs 4× the memory.
  private countsBuf = new Float64Array(1024);
  /** Pool id → provisional id, for the token list `addPooled` was last given. */
  private pooled: { list: readonly string[] | undefined; map: Uint32Array; size: number } = { list: undefined, map: new Uint32Array(0), size: 0 };

  get size(): number {
    return this.tokens.length;
  }

  /** Count of a provisional id. */
  count(id: number): number {
    return this.countsBuf[id];
  }

  /** A view of the counts indexed by provisional id (valid until the next add). */
  counts(): Float64Array {
    return this.countsBuf.subarray(0, this.tokens.length);
  }

  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  private intern(token: string): number {
    let id = this.index.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(token);
      this.index.set(token, id);
      if (id >= this.countsBuf.length) {
        const grown = new Float64Array(this.countsBuf.length * 2);
        grown.set(this.countsBuf);
        this.countsBuf = grown;
      }
    }
    return id;
  }

  /**
   * Maps a chunk's local ids (indices into `distinct`, the chunk's distinct tokens in first-seen order)
   * to provisional ids and, unless `count` is false (validation text under a train-only vocabulary),
   * adds them to the counts. Returns the provisional ids, same length as `ids`.
   */
  addChunk(distinct: readonly string[], ids: Uint32Array, count = true): Uint32Array {
    const local = new Uint32Array(distinct.length);
    for (let i = 0; i < distinct.length; i++) local[i] = this.intern(distinct[i]);
    const out = new Uint32Array(ids.length);
    const n = distinct.length;
    const counts = this.countsBuf;
    for (let j = 0; j < ids.length; j++) {
      const l = ids[j];
      if (l >= n) {
        throw new WordmillError('WM_ERR_WORKER', `token chunk is inconsistent: local id ${l} at position ${j} but only ${n} distinct tokens`, { actual: String(l) });
      }
      const p = local[l];
      out[j] = p;
      if (count) counts[p]++;
    }
    return out;
  }

  /**
   * The pool's fast path: `ids` index into `tokens`, a list that only grows and is shared by every
   * chunk of a run (the tokenize pool's dictionary). Its new entries are interned once; after that
   * a chunk costs two typed-array reads per token, with no string hashing.
   */
  addPooled(tokens: readonly string[], ids: Uint32Array, count = true): Uint32Array {
    if (this.pooled.list !== tokens) this.pooled = { list: tokens, map: new Uint32Array(1024), size: 0 };
    const pool = this.pooled;
    if (tokens.length > pool.map.length) {
      const grown = new Uint32Array(Math.max(pool.map.length * 2, tokens.length));
      grown.set(pool.map.subarray(0, pool.size));
      pool.map = grown;
    }
    for (; pool.size < tokens.length; pool.size++) pool.map[pool.size] = this.intern(tokens[pool.size]);
    const map = pool.map;
    const n = pool.size;
    const counts = this.countsBuf;
    const out = new Uint32Array(ids.length);
    for (let j = 0; j < ids.length; j++) {
      const l = ids[j];
      if (l >= n) throw new WordmillError('WM_ERR_WORKER', `token chunk is inconsistent: pool id ${l} at position ${j} but the pool has ${n} tokens`, { actual: String(l) });
      const p = map[l];
      out[j] = p;
      if (count) counts[p]++;
    }
    return out;
  }

  /**
   * Merges another counter's result (a cluster shard's): `tokens` in that counter's first-appearance
   * order with their `counts`. Merged in corpus order (shard 0, 1, …), first appearance across the
   * merged counters equals first appearance in the whole corpus, so the provisional ids and every tie
   * broken by them are those of a single pass. Returns the other counter's id → this counter's id.
   */
  addCounted(tokens: readonly string[], counts: ArrayLike<number>): Uint32Array {
    if (counts.length !== tokens.length) {
      throw new WordmillError('WM_ERR_WORKER', `token counts are inconsistent: ${tokens.length} tokens but ${counts.length} counts`, { actual: String(counts.length) });
    }
    const map = new Uint32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const p = this.intern(tokens[i]);
      map[i] = p;
      this.countsBuf[p] += counts[i];
    }
    return map;
  }

  /** Convenience for small in-memory inputs: counts `tokens` and returns their provisional ids. */
  addTokens(tokens: readonly string[], count = true): Uint32Array {
    const distinct: string[] = [];
    const seen = new Map<string, number>();
    const ids = new Uint32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let l = seen.get(tokens[i]);
      if (l === undefined) {
        l = distinct.length;
        distinct.push(tokens[i]);
        seen.set(tokens[i], l);
      }
      ids[i] = l;
    }
    return this.addChunk(distinct, ids, count);
  }
}
