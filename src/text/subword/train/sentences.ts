import { Normalizer, SPACE } from '../normalizer.js';
import type { NormalizerSpec } from '../model-file.js';

/** sentencepiece's stand-in for characters outside the alphabet (U+2585), which no piece may hold. */
export const UNK_CHAR = '\u2585';
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
 * `characterCoverage` of all) with U+2585, and count words. Only distinct words are kept.
 */
export function countWords(lines: Iterable<string>, opts: SentenceOptions): WordCounts {
  const norm = new Normalizer(IDENTITY);
  const metas = [...opts.meta].sort((a, b) => b.length - a.length);
  const sentences: string[] = [];
  const chars = new Map<string, number>();
  const bmp = new Float64Array(0x10000);
  const astral = new Map<string, number>();
  for (const line of lines) {
    if (line === '' || Buffer.byteLength(line, 'utf8') > opts.maxSentenceLength || line.includes(UNK_CHAR)) continue;
    let s = norm.normalize(line);
    // Meta pieces become a boundary (sentencepiece writes a tab, itself outside every alphabet).
    for (const m of metas) if (s.includes(m)) s = s.split(m).join(UNK_CHAR);
    if (s === '') continue;
    sentences.push(s);
    // Counted by code unit in a table: a Map update per character was the costliest step of loading.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const pair = s.slice(i, i + 2);
        astral.set(pair, (astral.get(pair) ?? 0) + 1);
        i++;
      } else bmp[c]++;
    }
  }
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
  const alphabet = new Set(required.map(([c]) => c));
  const inBmp = new Uint8Array(0x10000);
  for (const [c] of required) if (c.length === 1) inBmp[c.charCodeAt(0)] = 1;
  const index = new Map<string, number>();
  const words: string[] = [];
  let counts: number[] = [];
  let ends: number[] = [];
  for (const raw of sentences) {
    let s = raw;
    // Most sentences are all alphabet: rebuilt only when one is not.
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c < 0xd800 || c >= 0xe000 ? inBmp[c] === 0 : true) {
        s = '';
        for (const ch of raw) s += alphabet.has(ch) ? ch : UNK_CHAR;
        break;
      }
    }
    let start = 0;
    for (let i = 1; i <= s.length; i++) {
      if (i < s.length && s[i] !== SPACE) continue;
      const w = s.slice(start, i);
      let id = index.get(w);
      if (id === undefined) {
        id = words.length;
        index.set(w, id);
        words.push(w);
        counts.push(0);
        ends.push(0);
      }
      counts[id]++;
      if (i === s.length) ends[id]++;
      start = i;
    }
  }
  // sentencepiece sorts its words by count, then text.
  const order = words.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || cmpCodePoints(words[a], words[b]));
  const out: WordCounts = { words: order.map((i) => words[i]), counts: Float64Array.from(order, (i) => counts[i]), ends: Float64Array.from(order, (i) => ends[i]), required };
  counts = [];
  ends = [];
  return out;
}

/** Code-point (UTF-8 byte) order, as C++ compares std::string. */
export function cmpCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
