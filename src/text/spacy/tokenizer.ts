import { WordmillError } from '../../errors.js';
import { validateOptions, z } from '../../schema/index.js';
import { isPySpace } from '../pychars.js';
import type { TokenSpan, Tokenizer } from '../tokenizer.js';
import { findInfixes, findPrefix, findSuffix } from './affixes.js';
import { splitChunk, type Specials } from './chunk.js';
import { englishExceptions } from './exceptions-en.js';
import { explainText } from './explain.js';
import { JOIN_LEFT, JOIN_RIGHT, PLAIN, SpecialMatcher, type TokenRun } from './matcher.js';
import { ChunkCache, HASH_SEED, hashStep } from './chunk-cache.js';
import { safeCutAfter } from './safe-cut.js';

export interface SpacyTokenizerOptions {
  /** Distinct chunks remembered before the cache is dropped (memory bound on huge, varied corpora). */
  cacheLimit?: number;
}

/** Python's `str.isspace()`, with the ASCII test inlined for the hot loops. */
const isWs = (c: number): boolean => c === 32 || (c < 128 ? (c >= 9 && c <= 13) || (c >= 28 && c <= 31) : isPySpace(c));
/**
 * spaCy 3.x's `spacy.blank('en')` tokenizer. Text is cut into whitespace / non-whitespace chunks (a token
 * owns at most one following ' '; other whitespace becomes tokens); each chunk is split by special cases,
 * prefixes/suffixes, `url_match` and infixes, and cached, as spaCy does; then the special-case matcher
 * runs over the whole document (matcher.ts). Its matches rarely cross a chunk boundary, so each cached
 * chunk carries the matcher's result within it plus two edge flags, and only runs of chunks whose edges
 * link are tokenized again as one (`exact`).
 */
export class SpacyEnglishTokenizer implements Tokenizer {
  readonly name = 'spacy-en';
  private readonly specials: Specials = { map: new Map(), maxLength: 0 };
  private readonly matcher = new SpecialMatcher();
  private readonly cache: ChunkCache;

  constructor(options: SpacyTokenizerOptions = {}) {
    const { cacheLimit } = validateOptions('spacy-en tokenizer', z.strictObject({ cacheLimit: z.int().min(1).default(500_000) }), options);
    this.cache = new ChunkCache(cacheLimit);
    const exc = englishExceptions();
    for (const [k, v] of exc) this.setSpecial(k, v);
    for (const k of exc.keys()) this.registerPattern(k);
  }

  /** spaCy's `add_special_case(string, [{ORTH: piece}…])`: `pieces` must join to `string`, which may hold spaces. */
  addSpecialCase(string: string, pieces: string[]): void {
    if (pieces.join('') !== string || pieces.some((p) => p.length === 0)) {
      throw new WordmillError('WM_ERR_OPTION', `special case "${string}": pieces ${JSON.stringify(pieces)} do not join to it`, { option: 'specialCase', actual: string });
    }
    this.setSpecial(string, pieces);
    this.registerPattern(string);
    this.cache.clear();
  }

  private setSpecial(k: string, v: string[]): void {
    this.specials.map.set(k, [...v]);
    if (k.length > this.specials.maxLength) this.specials.maxLength = k.length;
  }

  /** spaCy matches a special case after the affix pass when the affix rules would split it (faster_heuristics). */
  private registerPattern(k: string): void {
    const n = k.length;
    if (findPrefix(k, 0, n) || findSuffix(k, 0, n) || findInfixes(k).length || k.includes(' ')) {
      const pattern: string[] = [];
      SpacyEnglishTokenizer.walk(k, 0, n, (s, e) => { pattern.push(...splitChunk(k.slice(s, e), null)); });
      this.matcher.add(pattern);
    }
  }

  /** A chunk's tokens before the matcher: the special case itself, or the affix rules'. */
  private pre(chunk: string): string[] {
    return this.specials.map.get(chunk) ?? splitChunk(chunk, this.specials);
  }

  /** Tokenizes a chunk the cache does not know, appends its tokens, caches them; returns its edge flags. */
  private miss(text: string, start: number, end: number, h: number, out: string[]): number {
    // V8 slices of 13+ chars point into their parent: a cached key or token sliced from the document
    // would pin the whole document (measured: 100 cached 30-char slices of 1 MB docs kept 100 MB).
    // Slicing a fresh cons string flattens a private copy first, so the cache holds only the chunk.
    const chunk = end - start >= 13 ? (' ' + text.slice(start, end)).slice(1) : text.slice(start, end);
    const pre = this.pre(chunk);
    const pieces = this.matcher.find(pre).length === 0 ? pre : this.matcher.apply(run(pre, 0), chunk, this.specials.map).tokens;
    const flags = this.matcher.edgeFlags(pre) | (pieces === pre ? PLAIN : 0);
    this.cache.set(chunk, h, pieces, flags);
    for (let k = 0; k < pieces.length; k++) out.push(pieces[k]);
    return flags;
  }

  /** Calls `emit(start, end)` for each chunk of `[lo, hi)` (which starts a chunk) as spaCy's `_tokenize_affixes` walks text. */
  private static walk(text: string, lo: number, hi: number, emit: (start: number, end: number) => void): void {
    if (lo >= hi) return;
    let inWs = isPySpace(text.charCodeAt(lo));
    let start = lo;
    for (let i = lo; i < hi; i++) {
      const ws = isWs(text.charCodeAt(i));
      if (ws !== inWs) {
        if (start < i) emit(start, i);
        start = text.charCodeAt(i) === 32 ? i + 1 : i;
        inWs = ws;
      }
    }
    if (start < hi) emit(start, hi);
  }

  /** The document-wide algorithm on `[lo, hi)`: every chunk's affix tokens, then the matcher over all of them. */
  private exact(text: string, lo: number, hi: number): TokenRun {
    const all: TokenRun = { tokens: [], starts: [], ends: [] };
    SpacyEnglishTokenizer.walk(text, lo, hi, (s, e) => {
      const r = run(this.pre(text.slice(s, e)), s);
      all.tokens.push(...r.tokens);
      all.starts.push(...r.starts);
      all.ends.push(...r.ends);
    });
    return this.matcher.apply(all, text, this.specials.map);
  }

  tokenize(text: string): string[] {
    const out: string[] = [];
    const n = text.length;
    if (n === 0) return out;
    // The walk of walk(), inlined with the chunk hash computed during the whitespace scan: this loop is
    // the whole cost of a warm tokenizer. Each chunk notes whether a special-case match may cross into it
    // from the chunk before (`right` of that one, JOIN_LEFT of this one); such runs become `groups`.
    let inWs = isPySpace(text.charCodeAt(0));
    let start = 0;
    let h = HASH_SEED;
    let prevF = 0;
    let prevStart = 0;
    let prevEnd = -1;
    let prevOut = 0;
    let groups: number[] | null = null;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const ws = c === 32 || (c < 128 ? (c >= 9 && c <= 13) || (c >= 28 && c <= 31) : isPySpace(c));
      if (ws !== inWs) {
        if (start < i) {
          const at = out.length;
          let f = this.cache.pushTokens(text, start, i, h, out);
          if (f < 0) f = this.miss(text, start, i, h, out);
          if ((prevF & JOIN_RIGHT) !== 0 && (f & JOIN_LEFT) !== 0 && this.mayCross(prevF, f, out, at)) {
            groups = link(groups, prevStart, prevEnd, prevOut, i, out.length);
          }
          prevF = f;
          prevStart = start;
          prevEnd = i;
          prevOut = at;
        }
        inWs = ws;
        h = HASH_SEED;
        if (c === 32) {
          start = i + 1;
          continue;
        }
        start = i;
      }
      h = hashStep(h, c);
    }
    if (start < n) {
      const at = out.length;
      let f = this.cache.pushTokens(text, start, n, h, out);
      if (f < 0) f = this.miss(text, start, n, h, out);
      if ((prevF & JOIN_RIGHT) !== 0 && (f & JOIN_LEFT) !== 0 && this.mayCross(prevF, f, out, at)) {
        groups = link(groups, prevStart, prevEnd, prevOut, n, out.length);
      }
    }
    return groups === null ? out : this.regroup(text, out, groups);
  }

  /**
   * Whether a special-case match may hold the last token before `at` and the one at `at`: when both
   * chunks' cached tokens are their affix tokens (PLAIN) the pair decides exactly, else assume it may.
   */
  private mayCross(prevF: number, f: number, out: string[], at: number): boolean {
    return (prevF & f & PLAIN) === 0 || this.matcher.canJoin(out[at - 1], out[at]);
  }

  /** Replaces each group of linked chunks' per-chunk tokens by the document-wide result over the group. */
  private regroup(text: string, out: string[], groups: number[]): string[] {
    const res: string[] = [];
    let o = 0;
    for (let g = 0; g < groups.length; g += 4) {
      for (; o < groups[g + 2]; o++) res.push(out[o]);
      res.push(...this.exact(text, groups[g], groups[g + 1]).tokens);
      o = groups[g + 3];
    }
    for (; o < out.length; o++) res.push(out[o]);
    return res;
  }

  /** Tokens with offsets and spaCy's `whitespace_` flag: `spans.map(t => t.text + (t.space ? ' ' : '')).join('')` is the text. */
  tokenizeSpans(text: string): TokenSpan[] {
    const r = this.exact(text, 0, text.length);
    return r.tokens.map((t, i) => ({
      text: t,
      start: r.starts[i],
      end: r.ends[i],
      space: (i + 1 < r.tokens.length ? r.starts[i + 1] : text.length) === r.ends[i] + 1,
    }));
  }

  /**
   * The first index at or after `from` where `text` can be cut without changing its tokens, whatever
   * follows `text`: `tokenize(text.slice(0, i)) ++ tokenize(rest)` is `tokenize(text + more)`'s tokens.
   * -1 when there is none (see safe-cut.ts).
   */
  safeCut(text: string, from = 0): number {
    return safeCutAfter(text, from, (ls, le, rs, re) => {
      const left = this.pre(text.slice(ls, le));
      return this.matcher.canJoin(left[left.length - 1], this.pre(text.slice(rs, re))[0]);
    });
  }

  /** spaCy's `Tokenizer.explain`: `[rule, token]` for each non-whitespace token (PREFIX, SUFFIX, INFIX, TOKEN, URL_MATCH, SPECIAL-n). */
  explain(text: string): Array<[string, string]> {
    return explainText(text, this.specials.map, this.matcher);
  }
}

/**
 * Adds the chunk ending at `end` (its tokens ending at `outEnd`) to the group ending at the previous chunk,
 * or opens a group from the previous chunk. Groups are [charStart, charEnd, outStart, outEnd] quadruples.
 */
function link(groups: number[] | null, prevStart: number, prevEnd: number, prevOut: number, end: number, outEnd: number): number[] {
  const g = groups ?? [];
  const k = g.length;
  if (k > 0 && g[k - 3] === prevEnd) {
    g[k - 3] = end;
    g[k - 1] = outEnd;
  } else {
    g.push(prevStart, end, prevOut, outEnd);
  }
  return g;
}

/** Tokens laid end to end from offset `at`. */
function run(tokens: string[], at: number): TokenRun {
  const r: TokenRun = { tokens, starts: [], ends: [] };
  for (const t of tokens) {
    r.starts.push(at);
    r.ends.push(at += t.length);
  }
  return r;
}
