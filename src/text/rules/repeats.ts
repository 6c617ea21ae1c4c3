import { TK_REP, TK_WREP } from '../special-tokens.js';
import { PY_SPACE, PY_WORD, isPySpace, pySplit } from '../pychars.js';

/**
 * fastai `replace_rep`: a non-space character repeated 3+ times → ` xxrep N c ` (`!!!!` → ` xxrep 4 ! `).
 * fastai's regex is `(\S)(\1{2,})`; its matches are exactly the maximal runs of one non-space code point
 * of length ≥ 3, so this scans runs directly (a third of the regex's cost on the parity texts).
 */
export function replaceRep(text: string): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    let j = i + w;
    let count = 1;
    while (j < n && text.codePointAt(j) === cp) { j += w; count++; }
    if (count >= 3 && !(w === 1 && isPySpace(cp))) {
      const c = text.slice(i, i + w);
      out += `${text.slice(last, i)} ${TK_REP} ${count} ${c} `;
      last = j;
    }
    i = j;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** fastai `_re_wrep` = `(?:\s|^)(\w+)\s+((?:\1\s+)+)\1(\s|\W|$)`, with Python's Unicode `\s`/`\w`/`\W`. */
const RE_WREP = new RegExp(
  `(?:[${PY_SPACE}]|^)([${PY_WORD}]+)[${PY_SPACE}]+((?:\\1[${PY_SPACE}]+)+)\\1([${PY_SPACE}]|[^${PY_WORD}]|$)`, 'gu');

/**
 * Necessary condition for a `_re_wrep` match: three whitespace-separated words a, a, a… in a row (the
 * third may carry trailing punctuation). Checked in place, without splitting, so the regex only runs on
 * the rare document that can match.
 */
function mayRepeatWords(t: string): boolean {
  const n = t.length;
  let s0 = -1; let e0 = -1; // word before previous
  let s1 = -1; let e1 = -1; // previous word
  let i = 0;
  while (i < n) {
    while (i < n && isPySpace(t.charCodeAt(i))) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && !isPySpace(t.charCodeAt(i))) i++;
    const len0 = e0 - s0;
    if (s0 >= 0 && e1 - s1 === len0 && i - s >= len0 && t.startsWith(t.slice(s0, e0), s1) && t.startsWith(t.slice(s0, e0), s)) return true;
    s0 = s1; e0 = e1; s1 = s; e1 = i;
  }
  return false;
}

/** fastai `replace_wrep`: a word repeated 3+ times, space separated, case-sensitive → ` xxwrep N word `. */
export function replaceWrep(text: string): string {
  if (!mayRepeatWords(text)) return text;
  return text.replace(RE_WREP, (_m, c: string, cc: string, e: string) => ` ${TK_WREP} ${pySplit(cc).length + 2} ${c} ${e}`);
}
