/**
 * Python `str` semantics that fastai's rules and spaCy rely on and that JavaScript does differently:
 * `str.isspace()` (JS `\s` adds U+FEFF and misses U+001C–U+001F and U+0085), `re`'s Unicode `\w`
 * (JS `\w` is ASCII-only), `str.strip()`, `str.split()` and `str.lower()`.
 */
import { DEFAULT_UNICODE, pyUnicode } from './unicode/index.js';

/** Body of a regex character class with exactly the characters for which Python's `str.isspace()` is true. */
export const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python `re`'s `\w` for `str` patterns in Node's Unicode (spaCy's URL pattern); fastai's rules use pyUnicode(v).word. */
export const PY_WORD = '\\p{L}\\p{N}_';

/** Python's `str.isspace()` for one UTF-16 code unit (no whitespace character is outside the BMP). */
export function isPySpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Python's `str.split()` with no argument: split on whitespace runs, no empty strings. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isPySpace(s.charCodeAt(i))) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Python 3.11's `str.lower()` (the default `text.unicode`; see unicode/index.ts for the others). */
export function pyLower(s: string): string {
  return pyUnicode(DEFAULT_UNICODE).lower(s);
}
