import { WordmillError } from '../../../errors.js';
import { HAN, INHERITED, scriptOf } from './script.js';
import { UNK_CHAR, type WordCounts } from './sentences.js';

/** Whether joined text is a valid piece (sentencepiece's IsValidSentencePiece with its defaults). */
export function valid(text: string, maxLength: number): boolean {
  let n = 0;
  let prev = -1;
  for (const c of text) {
    if (++n > maxLength) return false;
    const cp = c.codePointAt(0)!;
    if (c === UNK_CHAR || cp === 0x20 || cp === 0 || cp === 9) return false;
    if (cp === 0x2581) { if (n > 1) return false; continue; }
    let s = scriptOf(cp);
    if (s === INHERITED) s = prev;
    if (s !== -1 && prev !== -1 && s !== prev) return false;
    prev = s === HAN ? HAN : s;
  }
  return true;
}

// Fields of a position in `node`.
export const SYM = 0;
export const PREV = 1;
export const NEXT = 2;
export const PAIR = 3;
// The word's count, as 32 unsigned bits (read back with >>> 0): a count is at most the number of
// characters loaded, which fit one typed array (under 2^32).
export const COUNT = 4;
export const F = 5;

/**
 * The words' characters as positions for BPE: symbols interned (each character a symbol, by text
 * and length in characters), and per position its record in `node` (fields above); the first `n`
 * positions are in use.
 */
export function layoutWords(wc: WordCounts): { symText: string[]; symChars: number[]; node: Int32Array; n: number } {
  const symText: string[] = [];
  const symChars: number[] = [];
  // Characters to symbols: BMP ones by code unit (-1: not yet), astral ones by text.
  const bmpIds = new Int32Array(0x10000).fill(-1);
  const astralIds = new Map<string, number>();
  const symbolOf = (c: string): number => {
    let id = c.length === 1 ? bmpIds[c.charCodeAt(0)] : astralIds.get(c) ?? -1;
    if (id < 0) {
      id = symText.length;
      symText.push(c);
      symChars.push(1);
      if (c.length === 1) bmpIds[c.charCodeAt(0)] = id; else astralIds.set(c, id);
    }
    return id;
  };
  let total = 0;
  for (const w of wc.words) total += w.length;
  // Per position, side by side (a merge reads a few neighbouring positions of one word, so one
  // cache line): its symbol (-1 once unlinked), previous and next position in the word (-1: none),
  // the pair starting there (-1: none) and the word's count.
  const node = new Int32Array(F * total);
  let n = 0;
  for (let w = 0; w < wc.words.length; w++) {
    if (!(Number.isInteger(wc.counts[w]) && wc.counts[w] >= 0 && wc.counts[w] <= 0xffffffff)) {
      throw new WordmillError('WM_ERR_TRAIN', `BPE training: word count ${wc.counts[w]} is not a 32-bit count`);
    }
    const start = n;
    const word = wc.words[w];
    for (let i = 0; i < word.length; i++) {
      const u = word.charCodeAt(i);
      // Code points, as sentencepiece's characters: a surrogate pair is one.
      const pair = (u & 0xfc00) === 0xd800 && i + 1 < word.length && (word.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      const id = !pair && bmpIds[u] >= 0 ? bmpIds[u] : symbolOf(word.slice(i, pair ? i + 2 : i + 1));
      if (pair) i++;
      node[F * n + SYM] = id;
      node[F * n + PREV] = n === start ? -1 : n - 1;
      node[F * n + NEXT] = n + 1;
      node[F * n + PAIR] = -1;
      node[F * n + COUNT] = wc.counts[w];
      n++;
    }
    if (n > start) node[F * (n - 1) + NEXT] = -1;
  }
  return { symText, symChars, node, n };
}
