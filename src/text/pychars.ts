/**
 * Python `str` semantics that fastai's rules and spaCy rely on and that JavaScript does differently:
 * `str.isspace()` (JS `\s` adds U+FEFF and misses U+001C–U+001F and U+0085), `re`'s Unicode `\w`
 * (JS `\w` is ASCII-only), `str.strip()`, `str.split()` and `str.lower()`.
 */

/** Body of a regex character class with exactly the characters for which Python's `str.isspace()` is true. */
export const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python `re`'s `\w` for `str` patterns (letters, numbers, underscore; combining marks are not word chars). */
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

// Letters added to Unicode after 14.0 (Python 3.11's tables): Node's ICU lowercases them, Python keeps them.
const NEWER_THAN_PY = /[\u1c89\ua7cb-\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;

/**
 * Python 3.11's `str.lower()`. Measured against every code point: JS `toLowerCase()` agrees (İ → i̇,
 * final sigma included) except for 55 letters newer than Unicode 14, which Python leaves alone.
 */
export function pyLower(s: string): string {
  const low = s.toLowerCase();
  if (!NEWER_THAN_PY.test(s)) return low;
  let out = '';
  for (const ch of s) out += NEWER_THAN_PY.test(ch) ? ch : ch.toLowerCase();
  return out;
}
