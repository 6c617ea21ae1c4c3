import { WordmillError } from '../../errors.js';
import { validateOptions } from '../../options.js';
import { isPySpace } from '../pychars.js';
import type { TokenSpan, Tokenizer } from '../tokenizer.js';
import { findInfixes, findPrefix, findSuffix } from './affixes.js';
import { splitChunk, type Specials } from './chunk.js';
import { englishExceptions } from './exceptions-en.js';
import { SpecialMatcher } from './matcher.js';
import { ChunkCache, HASH_SEED, hashStep, hashString } from './chunk-cache.js';
import { safeCutAfter } from './safe-cut.js';

export interface SpacyTokenizerOptions {
  /** Distinct chunks remembered before the cache is dropped (memory bound on huge, varied corpora). */
  cacheLimit?: number;
}

/**
 * spaCy 3.5's `spacy.blank('en')` tokenizer. Text is cut into whitespace / non-whitespace chunks (a token
 * owns at most one following ' '; other whitespace becomes tokens); each chunk is split by special cases,
 * prefixes/suffixes, `url_match` and infixes, then special cases the affix rules had split are re-joined
 * (spaCy's special-case matcher), and the result is cached per chunk, as spaCy does.
 */
export class SpacyEnglishTokenizer implements Tokenizer {
  readonly name = 'spacy-en';
  private readonly specials: Specials = { map: new Map(), maxLength: 0 };
  private readonly matcher = new SpecialMatcher();
  private readonly cache: ChunkCache;

  constructor(options: SpacyTokenizerOptions = {}) {
    const { cacheLimit } = validateOptions('spacy-en tokenizer', { cacheLimit: { type: 'number', integer: true, min: 1, default: 500_000 } }, options);
    this.cache = new ChunkCache(cacheLimit);
    const exc = englishExceptions();
    for (const [k, v] of exc) this.setSpecial(k, v);
    for (const k of exc.keys()) this.registerPattern(k);
  }

  /** spaCy's `add_special_case(string, [{ORTH: piece}…])`: `pieces` must join to `string`. */
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

  /** spaCy adds a special case to its matcher when the affix rules would split it (faster_heuristics). */
  private registerPattern(k: string): void {
    const n = k.length;
    if (findPrefix(k, 0, n) || findSuffix(k, 0, n) || findInfixes(k).length || k.includes(' ')) {
      this.matcher.add(k, splitChunk(k, null));
    }
  }

  /** Computes, caches and returns the tokens of a chunk the cache does not know. */
  private miss(text: string, start: number, end: number, h: number): string[] {
    // V8 slices of 13+ chars point into their parent: a cached key or token sliced from the document
    // would pin the whole document (measured: 100 cached 30-char slices of 1 MB docs kept 100 MB).
    // Slicing a fresh cons string flattens a private copy first, so the cache holds only the chunk.
    const chunk = end - start >= 13 ? (' ' + text.slice(start, end)).slice(1) : text.slice(start, end);
    const pieces = this.specials.map.get(chunk) ?? this.matcher.apply(splitChunk(chunk, this.specials), this.specials.map);
    this.cache.set(chunk, h, pieces);
    return pieces;
  }

  private chunkTokens(text: string, start: number, end: number, h: number): string[] {
    return this.cache.get(text.slice(start, end), h) ?? this.miss(text, start, end, h);
  }

  /** Calls `emit(start, end)` for each chunk and `space()` when the ' ' after it is consumed, as spaCy's `_tokenize_affixes` walks text. */
  private static walk(text: string, emit: (start: number, end: number) => void, space: () => void): void {
    const n = text.length;
    if (n === 0) return;
    let inWs = isPySpace(text.charCodeAt(0));
    let start = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const ws = c === 32 || (c < 128 ? (c >= 9 && c <= 13) || (c >= 28 && c <= 31) : isPySpace(c));
      if (ws !== inWs) {
        if (start < i) emit(start, i);
        if (c === 32) { space(); start = i + 1; } else start = i;
        inWs = ws;
      }
    }
    if (start < n) emit(start, n);
  }

  tokenize(text: string): string[] {
    const out: string[] = [];
    const n = text.length;
    if (n === 0) return out;
    // The walk of walk(), inlined with the chunk hash computed during the whitespace scan: this loop is
    // the whole cost of a warm tokenizer.
    let inWs = isPySpace(text.charCodeAt(0));
    let start = 0;
    let h = HASH_SEED;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const ws = c === 32 || (c < 128 ? (c >= 9 && c <= 13) || (c >= 28 && c <= 31) : isPySpace(c));
      if (ws !== inWs) {
        if (start < i && !this.cache.pushTokens(text, start, i, h, out)) this.push(out, this.miss(text, start, i, h));
        inWs = ws;
        if (c === 32) {
          start = i + 1;
          h = HASH_SEED;
          continue;
        }
        start = i;
        h = HASH_SEED;
      }
      h = hashStep(h, c);
    }
    if (start < n && !this.cache.pushTokens(text, start, n, h, out)) this.push(out, this.miss(text, start, n, h));
    return out;
  }

  private push(out: string[], pieces: string[]): void {
    if (pieces.length === 1) out.push(pieces[0]);
    else for (let k = 0; k < pieces.length; k++) out.push(pieces[k]);
  }

  /** Tokens with offsets and spaCy's `whitespace_` flag: `spans.map(t => t.text + (t.space ? ' ' : '')).join('')` is the text. */
  tokenizeSpans(text: string): TokenSpan[] {
    const out: TokenSpan[] = [];
    SpacyEnglishTokenizer.walk(text, (s, e) => {
      let at = s;
      for (const p of this.chunkTokens(text, s, e, hashString(text.slice(s, e)))) {
        out.push({ text: p, start: at, end: at + p.length, space: false });
        at += p.length;
      }
    }, () => { out[out.length - 1].space = true; });
    return out;
  }

  /** spaCy's `Tokenizer.explain`: `[rule, token]` for each non-whitespace token (PREFIX, SUFFIX, INFIX, TOKEN, URL_MATCH, SPECIAL-n). */
  /**
   * The first index at or after `from` where `text` can be cut without changing its tokens, whatever
   * follows `text`: `tokenize(text.slice(0, i)) ++ tokenize(rest)` is `tokenize(text + more)`'s tokens.
   * -1 when there is none (see safe-cut.ts). Special cases here never cross whitespace, so no match
   * joins two chunks (i10-text's cross-whitespace matcher supplies its own `joins`).
   */
  safeCut(text: string, from = 0): number {
    return safeCutAfter(text, from, () => false);
  }

  explain(text: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    SpacyEnglishTokenizer.walk(text, (s, e) => {
      const chunk = text.slice(s, e);
      if (isPySpace(chunk.charCodeAt(0))) return;
      const special = this.specials.map.get(chunk);
      let labels: string[] = [];
      let pieces: string[];
      if (special) {
        pieces = special;
        labels = special.map((_p, j) => `SPECIAL-${j + 1}`);
      } else {
        pieces = this.matcher.apply(splitChunk(chunk, this.specials, labels), this.specials.map, labels);
      }
      pieces.forEach((p, j) => out.push([labels[j], p]));
    }, () => undefined);
    return out;
  }
}
