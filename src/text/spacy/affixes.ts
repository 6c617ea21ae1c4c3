import { ALPHA, ALPHA_LOWER, ALPHA_UPPER } from './char-classes.js';
import { CharSet, cpBefore, cpLen } from './charset.js';
import { CURRENCY_LIST, HYPHENS_LIST, ICONS, PUNCT_LIST, QUOTES, UNITS_LIST, reEscape } from './symbols.js';

/*
 * spaCy 3.5's prefix and suffix searches (`lang/punctuation.py`), hand-compiled into code-point scans. spaCy
 * runs `^(?:alt1|alt2…)` and `(?:alt1$|alt2$…)` with Python's `re`; a suffix *search* takes the leftmost
 * start, i.e. the longest alternative that ends the string. Scanning from the ends keeps the affix loop
 * linear on inputs like 100k `((((` where a regex suffix search would rescan the whole string each round.
 */
const lit = (s: string): string => s.replace(/[\\-]/g, '\\$&');

const single = (xs: string[]): string => xs.filter((x) => Array.from(x).length === 1).map(lit).join('');
const PREFIX_SET = new CharSet('§%=—–' + single(PUNCT_LIST) + '…' + lit(QUOTES) + single(CURRENCY_LIST) + ICONS.source);
const SUFFIX_SET = new CharSet(single(PUNCT_LIST) + '…' + lit(QUOTES) + ICONS.source + '—–');
/** Lookbehind of spaCy's `(?<=[0-9{al}{e}{p}(?:{q})])\.`: PUNCT (with its `|`) and `(?:` + quotes + `)` land in the class literally. */
const DOT_AFTER = new CharSet('0-9' + ALPHA_LOWER.source + '%²\\-+' + lit(PUNCT_LIST.join('|')) + '(?:' + lit(QUOTES) + ')');

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Multi-unit suffixes (`(?<=[0-9])(?:CURRENCY|UNITS)`), grouped by last UTF-16 unit for a quick reject. */
const AFTER_DIGIT = new Map<number, string[]>();
for (const u of [...CURRENCY_LIST, ...UNITS_LIST]) {
  const last = u.charCodeAt(u.length - 1);
  const list = AFTER_DIGIT.get(last) ?? [];
  list.push(u);
  AFTER_DIGIT.set(last, list);
}

/** Length (UTF-16 units) of the prefix spaCy's English prefix search finds at `s[lo]`, within `[lo, hi)`; 0 if none. */
export function findPrefix(s: string, lo: number, hi: number): number {
  if (lo >= hi) return 0;
  const c = s.charCodeAt(lo);
  if (c === 43) return lo + 1 < hi && isDigit(s.charCodeAt(lo + 1)) ? 0 : 1; // \+(?![0-9])
  if (c === 46) { // \.\.+
    let j = lo + 1;
    while (j < hi && s.charCodeAt(j) === 46) j++;
    return j - lo >= 2 ? j - lo : 0;
  }
  if (c === 85 && hi - lo >= 3 && s.startsWith('US$', lo)) return 3;
  if ((c === 67 || c === 65) && hi - lo >= 2 && s.charCodeAt(lo + 1) === 36) return 2;
  let cp = c;
  if (c >= 0xd800 && c <= 0xdbff && lo + 1 < hi) cp = s.codePointAt(lo)!;
  return PREFIX_SET.has(cp) ? cpLen(cp) : 0;
}

/** Length of the suffix spaCy's English suffix search finds at the end of `[lo, hi)` (lookbehinds stop at `lo`). */
export function findSuffix(s: string, lo: number, hi: number): number {
  if (lo >= hi) return 0;
  const last = cpBefore(s, hi, lo);
  const lastLen = cpLen(last);
  let best = SUFFIX_SET.has(last) ? lastLen : 0;
  const n = hi - lo;
  if (last === 46) { // '.'
    let j = hi - 1;
    while (j > lo && s.charCodeAt(j - 1) === 46) j--;
    if (hi - j >= 2) best = Math.max(best, hi - j);
    const b1 = cpBefore(s, hi - 1, lo);
    if (b1 >= 0) {
      if (DOT_AFTER.has(b1)) best = Math.max(best, 1);
      const b2 = cpBefore(s, hi - 1 - cpLen(b1), lo);
      if (b2 === 0xb0 && 'FfCcKk'.includes(String.fromCharCode(b1))) best = Math.max(best, 1);
      if (b2 >= 0 && ALPHA_UPPER.has(b1) && ALPHA_UPPER.has(b2)) best = Math.max(best, 1);
    }
  } else if (last === 0x2026 && n >= 2 && s.charCodeAt(hi - 2) === 0x2026) {
    best = 2; // '……'
  } else if ((last === 115 || last === 83) && n >= 2) { // 's 'S ’s ’S
    const q = s.charCodeAt(hi - 2);
    if (q === 39 || q === 0x2019) best = Math.max(best, 2);
  } else if (last === 43 && n >= 2 && isDigit(s.charCodeAt(hi - 2))) {
    best = Math.max(best, 1); // (?<=[0-9])\+
  }
  const units = AFTER_DIGIT.get(s.charCodeAt(hi - 1));
  if (units) {
    for (const u of units) {
      const start = hi - u.length;
      if (u.length > best && start - 1 >= lo && isDigit(s.charCodeAt(start - 1)) && s.startsWith(u, start)) best = u.length;
    }
  }
  return best;
}

/** spaCy 3.5's English infixes (`lang/en/punctuation.py`), one regex as spaCy compiles them. */
const CLS_A = ALPHA.source;
const Q = lit(QUOTES);
const INFIX_RE = new RegExp([
  '\\.\\.+', '…', `[${ICONS.source}]`,
  '(?<=[0-9])[+\\-*^](?=[0-9-])',
  `(?<=[${ALPHA_LOWER.source}${Q}])\\.(?=[${ALPHA_UPPER.source}${Q}])`,
  `(?<=[${CLS_A}]),(?=[${CLS_A}])`,
  `(?<=[${CLS_A}0-9])(?:${HYPHENS_LIST.map(reEscape).join('|')})(?=[${CLS_A}])`,
  `(?<=[${CLS_A}0-9])[:<>=/](?=[${CLS_A}])`,
].join('|'), 'gu');

/** ASCII characters some infix alternative starts with: `.` `+` `-` `*` `^` `,` `~` `:` `<` `>` `=` `/`. */
const INFIX_ASCII = new Uint8Array(128);
for (const ch of '.+-*^,~:<>=/') INFIX_ASCII[ch.charCodeAt(0)] = 1;

/** Whether any infix alternative could match: most words have none of its characters, and skip the regex. */
function mayHaveInfix(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if (INFIX_ASCII[c] === 1) return true;
    } else if (c === 0x2026 || c === 0x2013 || c === 0x2014 || (c >= 0xd800 && c <= 0xdbff) || ICONS.has(c)) {
      return true;
    }
  }
  return false;
}

/** `[start, end)` pairs of every infix match in `s`, as Python's `finditer` yields them. */
export function findInfixes(s: string): number[] {
  const out: number[] = [];
  if (!mayHaveInfix(s)) return out;
  INFIX_RE.lastIndex = 0;
  for (let m = INFIX_RE.exec(s); m !== null; m = INFIX_RE.exec(s)) out.push(m.index, m.index + m[0].length);
  return out;
}
