import { SPACE } from '../normalizer.js';
import { HAN, INHERITED, scriptOf } from './script.js';
import { cmpCodePoints, UNK_CHAR, type WordCounts } from './sentences.js';

const ANY = -1;

/**
 * sentencepiece's IsValidSentencePiece, applied as a piece grows one character at a time: returns
 * the script state after `cp`, or null when the piece can no longer be valid (an invalid prefix
 * makes every extension invalid, so seed enumeration stops there).
 */
function extend(prev: number, cp: number, pos: number): number | null {
  if (cp === 0x2585 || cp === 0 || cp === 0x20 || cp === 0x09) return null;
  if (cp === 0x2581) return pos > 0 ? null : prev;
  let s = scriptOf(cp);
  if (s === INHERITED) s = prev;
  if (s !== ANY && prev !== ANY && prev !== s) return null;
  return s === HAN ? HAN : s;
}

/**
 * The seed pieces of sentencepiece 0.2's MakeSeedSentencePieces: every character, then pieces from
 * the suffix tree of the whole corpus. Each internal node (a substring occurring at least twice with
 * two different next characters) is cut at sentence ends and word starts; every valid part of two
 * characters or more is a candidate scored frequency(node) × length, keeping its best score; the best
 * `seedSize` candidates win (score, then longer, then byte order).
 *
 * Without building the suffix array: a piece's best node is the shortest one that still has it as a
 * whole part, i.e. the piece itself when its occurrences have different next characters, or its
 * extension when they all continue with the same `▁` or sentence end (the part then ends at the
 * word end); when they all continue inside the word, no node has the piece as a part. So a
 * candidate's score is its own frequency × length when it occurs twice or more and is not always
 * followed by one same in-word character — computed from word counts, substrings within words.
 * Scores are returned as sentencepiece's ToLogProb leaves them.
 */
export function seedPieces(wc: WordCounts, maxLength: number, seedSize: number): Array<[string, number]> {
  const chars = new Map<string, number>();
  interface Sub { freq: number; next: number; branch: boolean; len: number }
  const subs = new Map<string, Sub>();
  const note = (e: Sub, next: number): void => {
    if (e.next === -2) e.next = next;
    else if (e.next !== next) e.branch = true;
  };
  for (let w = 0; w < wc.words.length; w++) {
    const cps = Array.from(wc.words[w], (c) => c.codePointAt(0)!);
    const count = wc.counts[w];
    const ends = wc.ends[w];
    for (const cp of cps) if (cp !== 0x2585) { const c = String.fromCodePoint(cp); chars.set(c, (chars.get(c) ?? 0) + count); }
    for (let i = 0; i < cps.length; i++) {
      let state = extend(ANY, cps[i], 0);
      if (state === null) continue;
      let sub = String.fromCodePoint(cps[i]);
      for (let j = i + 1; j < cps.length && j - i < maxLength; j++) {
        const next = extend(state, cps[j], j - i);
        if (next === null) break;
        state = next;
        sub += String.fromCodePoint(cps[j]);
        let e = subs.get(sub);
        if (!e) subs.set(sub, (e = { freq: 0, next: -2, branch: false, len: j - i + 1 }));
        e.freq += count;
        if (j + 1 < cps.length) note(e, cps[j + 1]);
        else {
          if (count > ends) note(e, 0x2581);
          if (ends > 0) note(e, 0);
        }
      }
    }
  }
  const seeds: Array<[string, number]> = [...chars].sort((a, b) => b[1] - a[1] || cmpCodePoints(a[0], b[0]));
  const picked: Array<[string, number]> = [];
  for (const [s, e] of subs) {
    if (e.freq >= 2 && (e.branch || e.next === 0x2581 || e.next === 0)) picked.push([s, e.freq * e.len]);
  }
  picked.sort((a, b) => b[1] - a[1] || Buffer.byteLength(b[0]) - Buffer.byteLength(a[0]) || cmpCodePoints(a[0], b[0]));
  for (let i = 0; i < picked.length && i < seedSize; i++) seeds.push(picked[i]);
  // ToLogProb: a float32 sum, then log(score) - log(sum), stored as float32.
  let sum = 0;
  for (const [, v] of seeds) sum = Math.fround(sum + v);
  const logsum = Math.fround(Math.log(sum));
  for (const s of seeds) s[1] = Math.fround(Math.log(s[1]) - logsum);
  return seeds;
}

export { SPACE, UNK_CHAR };
