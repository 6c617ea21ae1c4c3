import { bpeEncode } from './bpe.js';
import type { PieceIndex } from './pieces.js';
import { MAX_CACHED_CHARS, SegmentCache } from './segments.js';
import { safeLimit, viterbi } from './unigram.js';

const SPACE = 0x2581;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * How a text's `▁`-words are found. On a normalized text each `▁` starts a word. On raw text under
 * identity normalization with escaped spaces (`spaces`), a ' ' is a `▁` too, `trim` drops edge
 * spaces and folds runs (remove_extra_whitespaces) and `dummy` puts a `▁` first (add_dummy_prefix):
 * the words are those of the normalized text, without building it.
 */
export interface WordScan { spaces: boolean; trim: boolean; dummy: boolean }
export const NORMALIZED: WordScan = { spaces: false, trim: false, dummy: false };

/**
 * The per-word encoder: finds each `▁`-word, hashing its characters as it scans for the next
 * boundary (one pass; the key is the word without its `▁`), takes its cached segmentation from
 * path score 0 or segments and caches it, and writes ids (consecutive unknowns merged) into a
 * reused Int32Array, with each piece's [start, end) in the scanned text when `spans` is asked.
 * A unigram word's cached path is re-checked against the running float32 path score (see
 * SubwordTokenizer): near a tie it is segmented again from that score.
 */
export class WordEncoder {
  /** Starts tiny so that `reserve` grows it in the first words, before the JIT compiles the word loop (see SegmentCache's first sizes). */
  ids = new Int32Array(16);
  starts = new Int32Array(0);
  ends = new Int32Array(0);
  count = 0;
  private readonly cache = new SegmentCache();
  private readonly local: number[] = [];
  private base = 0;
  private spans = false;

  constructor(private readonly index: PieceIndex, private readonly userDefined: readonly string[], private readonly unigram: boolean) {}

  /** Encodes `text`; the result is `ids` (and `starts`/`ends`) up to `count`. */
  run(text: string, scan: WordScan, spans = false): number {
    this.count = 0;
    this.base = 0;
    this.spans = spans;
    if (spans && this.starts.length < this.ids.length) { this.starts = new Int32Array(this.ids.length); this.ends = new Int32Array(this.ids.length); }
    const spaces = scan.spaces;
    let p = 0;
    let end = text.length;
    if (spaces && scan.trim) {
      while (p < end && text.charCodeAt(p) === 32) p++;
      while (end > p && text.charCodeAt(end - 1) === 32) end--;
    }
    if (p === end) return 0;
    let q = p;
    const first = text.charCodeAt(p);
    if (scan.dummy) q = this.word(text, p, end, spaces, p);
    else if (first !== SPACE && !(spaces && first === 32)) q = this.bare(text, p, end, spaces);
    while (q < end) {
      // q is at a boundary: a `▁`, or a ' ' (a run of them under trim).
      const at = q++;
      if (spaces && scan.trim && text.charCodeAt(at) === 32) while (q < end && text.charCodeAt(q) === 32) q++;
      q = this.word(text, q, end, spaces, at);
    }
    return this.count;
  }

  /** The word `▁` + text[p, next boundary) (`at`: where its `▁` stands); returns the boundary. */
  private word(text: string, p: number, end: number, spaces: boolean, at: number): number {
    let h = FNV_OFFSET;
    let q = p;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c === SPACE || (spaces && c === 32)) break;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    const len = q - p + 1;
    if (len > MAX_CACHED_CHARS) {
      this.uncached(`\u2581${text.slice(p, q)}`, at);
      return q;
    }
    const cache = this.cache;
    let slot = cache.find(text, p, q, h);
    if (slot < 0) {
      const word = `\u2581${text.slice(p, q)}`;
      const triples: number[] = [];
      let r = { score: 0, minGap: Infinity };
      if (this.unigram) r = viterbi(this.index, word, triples);
      else bpeEncode(this.index, this.userDefined, word, triples);
      slot = cache.add(text, p, q, h, triples, safeLimit(r.score, len, r.minGap));
    }
    const count = cache.count(slot);
    const pool = cache.pool;
    const from = cache.idsAt(slot);
    if (this.unigram) {
      let base = this.base;
      if (base !== 0 && !(Math.abs(base) < cache.limit(slot))) {
        this.uncached(`\u2581${text.slice(p, q)}`, at);
        return q;
      }
      // The path score goes on as the whole-text pass sums it: piece by piece, in float32.
      const addends = this.index.addends;
      for (let k = from, e = from + count; k < e; k++) base = Math.fround(addends[pool[k]] + base);
      this.base = base;
    }
    this.reserve(count);
    const unk = this.index.unkId;
    const ids = this.ids;
    let n = this.count;
    if (!this.spans) {
      for (let k = from, e = from + count; k < e; k++) {
        const id = pool[k];
        if (id !== unk || n === 0 || ids[n - 1] !== unk) ids[n++] = id;
      }
      this.count = n;
    } else {
      for (let k = 0; k < count; k++) this.emit(pool[from + k], at + (k === 0 ? 0 : cache.end(slot, k - 1)), at + cache.end(slot, k));
    }
    return q;
  }

  /** The first word of a text without a dummy prefix: no `▁`, so never cached. */
  private bare(text: string, p: number, end: number, spaces: boolean): number {
    let q = p;
    while (q < end && text.charCodeAt(q) !== SPACE && !(spaces && text.charCodeAt(q) === 32)) q++;
    this.uncached(text.slice(p, q), p);
    return q;
  }

  /** Segments `word` (at `at`) from the running path score, bypassing the cache. */
  private uncached(word: string, at: number): void {
    const local = this.local;
    local.length = 0;
    if (this.unigram) this.base = viterbi(this.index, word, local, this.base).score;
    else bpeEncode(this.index, this.userDefined, word, local);
    this.reserve(local.length / 3);
    for (let k = 0; k < local.length; k += 3) this.emit(local[k], at + local[k + 1], at + local[k + 2]);
  }

  private emit(id: number, start: number, end: number): void {
    const n = this.count;
    if (id === this.index.unkId && n > 0 && this.ids[n - 1] === id) {
      if (this.spans) this.ends[n - 1] = end;
      return;
    }
    this.ids[n] = id;
    if (this.spans) { this.starts[n] = start; this.ends[n] = end; }
    this.count = n + 1;
  }

  /** Room for `more` ids (and spans). */
  private reserve(more: number): void {
    const need = this.count + more;
    if (need <= this.ids.length) return;
    let size = this.ids.length * 2;
    while (size < need) size *= 2;
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => { const b = new Int32Array(size); b.set(a.subarray(0, this.count)); return b; };
    this.ids = grow(this.ids);
    if (this.spans) { this.starts = grow(this.starts); this.ends = grow(this.ends); }
  }
}
