import { growUnits, loadSentences, type LoadedSentences } from './load-sentences.js';
import { WordTable } from './word-table.js';
import type { NormalizerSpec } from '../model-file.js';

/** sentencepiece's stand-in for characters outside the alphabet (U+2585), which no piece may hold. */
export const UNK_CHAR = '\u2585';
const UNK = 0x2585;
const SPACE_UNIT = 0x2581;
export const IDENTITY: NormalizerSpec = { name: 'identity', charsmap: new Uint8Array(0), addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true };

export interface SentenceOptions {
  /** Lines longer than this many UTF-8 bytes are skipped, as sentencepiece's max_sentence_length. */
  maxSentenceLength: number;
  characterCoverage: number;
  /** Meta pieces (user-defined symbols, the unknown piece): cut out of the training text. */
  meta: string[];
}

/** Training words: each distinct `▁`-word with its count, and how often it ends a sentence. */
export interface WordCounts {
  words: string[];
  counts: Float64Array;
  /** Occurrences as the last word of a sentence (the rest are followed by `▁`). */
  ends: Float64Array;
  /** Required characters (the alphabet), most frequent first, with their counts. */
  required: Array<[string, number]>;
}

/**
 * sentencepiece's LoadSentences + SplitSentencesByWhitespace over sampled lines: normalize, replace
 * meta pieces and then every character outside the alphabet (the most frequent characters covering
 * `characterCoverage` of all) with U+2585, and count words. Only distinct words are kept. Works on
 * code units (load-sentences.ts, word-table.ts): a string per sentence and per word was most of its cost.
 */
export function countWords(lines: Iterable<string>, opts: SentenceOptions): WordCounts {
  const loaded = loadSentences(lines, opts.maxSentenceLength, opts.meta);
  const chars = new Map<string, number>();
  const { bmp, astral } = loaded;
  for (let c = 0; c < bmp.length; c++) if (bmp[c] > 0) chars.set(String.fromCharCode(c), bmp[c]);
  for (const [c, n] of astral) chars.set(c, n);
  chars.delete(UNK_CHAR);
  let all = 0;
  for (const n of chars.values()) all += n;
  const sorted = [...chars].sort((a, b) => b[1] - a[1] || cmpCodePoints(a[0], b[0]));
  const required: Array<[string, number]> = [];
  let acc = 0;
  for (const [c, n] of sorted) {
    if (acc / all >= opts.characterCoverage) break;
    acc += n;
    // A tab is sentencepiece's boundary marker: counted for coverage, never in the alphabet.
    if (c !== '\t') required.push([c, n]);
  }
  // The alphabet: BMP units (lone surrogates too) in a table, astral characters by text.
  const inBmp = new Uint8Array(0x10000);
  const inAstral = new Set<string>();
  for (const [c] of required) if (c.length === 1) inBmp[c.charCodeAt(0)] = 1; else inAstral.add(c);
  const alphabet: Alphabet = { inBmp, inAstral };
  // Words keep their bounds when `▁` is in the alphabet (nothing else becomes one): the loader's words,
  // mapped, are the words. Else no `▁` is left and the sentences are split again (each one word).
  const table = inBmp[SPACE_UNIT] ? mapWords(loaded.words, alphabet) : splitSentences(loaded, alphabet);
  const words = table.words();
  const counts = table.counts();
  const ends = table.ends();
  // sentencepiece sorts its words by count, then text (dropped words have none).
  const order = words.map((_, i) => i).filter((i) => counts[i] > 0).sort((a, b) => counts[b] - counts[a] || cmpCodePoints(words[a], words[b]));
  const out: WordCounts = { words: new Array<string>(order.length), counts: new Float64Array(order.length), ends: new Float64Array(order.length), required };
  order.forEach((id, i) => { out.words[i] = words[id]; out.counts[i] = counts[id]; out.ends[i] = ends[id]; });
  return out;
}

interface Alphabet { inBmp: Uint8Array; inAstral: Set<string> }

/** Maps src[from, to) into dst from 0, characters outside the alphabet becoming U+2585; returns the length. */
function mapUnits(src: Uint16Array, from: number, to: number, dst: Uint16Array, a: Alphabet): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < to && (src[i + 1] & 0xfc00) === 0xdc00) {
      if (a.inAstral.has(String.fromCharCode(c, src[i + 1]))) { dst[n++] = c; dst[n++] = src[i + 1]; } else dst[n++] = UNK;
      i++;
    } else dst[n++] = a.inBmp[c] ? c : UNK;
  }
  return n;
}

/** Whether src[from, to) holds a character outside the alphabet (other than U+2585 itself). */
function outside(src: Uint16Array, from: number, to: number, a: Alphabet): boolean {
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < to && (src[i + 1] & 0xfc00) === 0xdc00) {
      if (!a.inAstral.has(String.fromCharCode(c, src[i + 1]))) return true;
      i++;
    } else if (a.inBmp[c] === 0 && c !== UNK) return true;
  }
  return false;
}

/**
 * The loader's words with the alphabet applied, in place: a word holding a character outside it is
 * dropped and its mapped form added (summed with an equal word). Few words change.
 */
function mapWords(table: WordTable, a: Alphabet): WordTable {
  let buf = new Uint16Array(256);
  for (let id = 0, n = table.size; id < n; id++) {
    const u = table.units(id);
    if (!outside(u, 0, u.length, a)) continue;
    buf = growUnits(buf, u.length);
    const len = mapUnits(u, 0, u.length, buf, a);
    const [count, ends] = table.drop(id);
    table.add(buf, 0, len, count, ends);
  }
  return table;
}

/** Words of the sentences with the alphabet applied, split at each `▁` left (the first unit of a sentence starts one). */
function splitSentences(s: LoadedSentences, a: Alphabet): WordTable {
  const table = new WordTable();
  let buf = new Uint16Array(256);
  for (let i = 0; i < s.count; i++) {
    const from = s.starts[i], to = s.starts[i + 1];
    buf = growUnits(buf, to - from);
    const n = mapUnits(s.units, from, to, buf, a);
    let start = 0;
    for (let j = 1; j < n; j++) if (buf[j] === SPACE_UNIT) { table.add(buf, start, j - start, 1, 0); start = j; }
    table.add(buf, start, n - start, 1, 1);
  }
  return table;
}

/** Code-point (UTF-8 byte) order, as C++ compares std::string. */
export function cmpCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Code units are in code point order unless a surrogate (an astral character) differs.
    if ((x & 0xf800) !== 0xd800 && (y & 0xf800) !== 0xd800) return x - y;
    return cmpBySurrogates(a, b);
  }
  return a.length - b.length;
}

/** cmpCodePoints character by character (lone surrogates compare as their unit). */
function cmpBySurrogates(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
