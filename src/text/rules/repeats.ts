import { TK_REP, TK_WREP } from '../special-tokens.js';
import { PY_SPACE, isPySpace, pySplit } from '../pychars.js';
import { DEFAULT_UNICODE, pyUnicode } from '../unicode/index.js';

/**
 * fastai `replace_rep`: a non-space character repeated 3+ times → ` xxrep N c ` (`!!!!` → ` xxrep 4 ! `).
 * fastai's regex is `(\S)(\1{2,})`; its matches are exactly the maximal runs of one non-space code point
 * of length ≥ 3, so this scans code units for runs directly (the regex cost ~10% of the fastai path).
 */
export function replaceRep(text: string): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i + 2 < n) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { // an astral character: runs of pairs
      let j = i + 2;
      while (j + 1 < n && text.charCodeAt(j) === c && text.charCodeAt(j + 1) === d) j += 2;
      const count = (j - i) / 2;
      if (count >= 3) {
        out += `${text.slice(last, i)} ${TK_REP} ${count} ${text.slice(i, i + 2)} `;
        last = j;
      }
      i = j;
      continue;
    }
    if (c !== d || c !== text.charCodeAt(i + 2) || isPySpace(c)) {
      i++;
      continue;
    }
    let j = i + 3;
    while (j < n && text.charCodeAt(j) === c) j++;
    out += `${text.slice(last, i)} ${TK_REP} ${j - i} ${text[i]} `;
    last = j;
    i = j;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** fastai `_re_wrep` = `(?:\s|^)(\w+)\s+((?:\1\s+)+)\1(\s|\W|$)`, with Python's Unicode `\s`/`\w`/`\W`. */
const wrepRegex = (word: string): RegExp => new RegExp(
  `(?:[${PY_SPACE}]|^)([${word}]+)[${PY_SPACE}]+((?:\\1[${PY_SPACE}]+)+)\\1([${PY_SPACE}]|[^${word}]|$)`, 'gu');

/**
 * Necessary condition for a `_re_wrep` match: three whitespace-separated words a, a, a… in a row (the
 * third may carry trailing punctuation). Checked in place, without splitting, so the regex only runs on
 * the rare document that can match.
 */
function mayRepeatWords(t: string): boolean {
  const n = t.length;
  const same = (a: number, b: number, len: number): boolean => {
    for (let k = 0; k < len; k++) if (t.charCodeAt(a + k) !== t.charCodeAt(b + k)) return false;
    return true;
  };
  let s0 = -1; let len0 = -1; // word before the previous one
  let s1 = -1; let len1 = -1; // previous word
  let i = 0;
  while (i < n) {
    while (i < n && isPySpace(t.charCodeAt(i))) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && !isPySpace(t.charCodeAt(i))) i++;
    if (len0 > 0 && len1 === len0 && i - s >= len0 && same(s0, s1, len0) && same(s0, s, len0)) return true;
    s0 = s1; len0 = len1; s1 = s; len1 = i - s;
  }
  return false;
}

/** fastai `replace_wrep` with a given Python's `\w` (a regex class body). */
export function makeReplaceWrep(word: string): (text: string) => string {
  const re = wrepRegex(word);
  const replaceWrep = (text: string): string => {
    if (!mayRepeatWords(text)) return text;
    return text.replace(re, (_m, c: string, cc: string, e: string) => ` ${TK_WREP} ${pySplit(cc).length + 2} ${c} ${e}`);
  };
  return replaceWrep;
}

/** fastai `replace_wrep`: a word repeated 3+ times, space separated, case-sensitive → ` xxwrep N word `. */
export const replaceWrep = makeReplaceWrep(pyUnicode(DEFAULT_UNICODE).word);
