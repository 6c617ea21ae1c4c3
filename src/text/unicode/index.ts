import { TABLES } from './tables.js';

/**
 * The Unicode version whose Python fastai's output is matched (`text.unicode`). fastai's rules use
 * Python's `str.lower()` and `re`'s `\w`, which follow the `unicodedata` of the Python running them;
 * Node follows its own ICU (Unicode 17 in Node 20.20). tables.ts holds each Python's own answers.
 * `\s` / `str.isspace()` is the same in all of them (pychars.ts; checked by a test).
 */
export type UnicodeVersion = keyof typeof TABLES;
export const UNICODE_VERSIONS = Object.keys(TABLES) as UnicodeVersion[];
/** Python 3.11, the CPython the shared fastai and spaCy references were made with. */
export const DEFAULT_UNICODE: UnicodeVersion = '14.0';
/** Which CPython releases carry each Unicode version (3.9 and 3.10 share 13.0). */
export const PYTHONS: Record<UnicodeVersion, string> = {
  '9.0': '3.6', '11.0': '3.7', '12.1': '3.8', '13.0': '3.9, 3.10', '14.0': '3.11', '15.0': '3.12', '15.1': '3.13',
};

export interface PyUnicode {
  version: UnicodeVersion;
  /** Regex class body (for the `u` flag) of `re`'s `\w` in that Python. */
  word: string;
  /** That Python's `str.lower()`. */
  lower(s: string): string;
}

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;
const classBody = (ranges: Array<[number, number]>): string => ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');

function parseRanges(s: string): Array<[number, number]> {
  return s.split(',').map((r) => {
    const [a, b] = r.split('-').map((x) => parseInt(x, 16));
    return [a, b ?? a];
  });
}

function toRanges(cps: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const cp of [...cps].sort((x, y) => x - y)) {
    const last = out[out.length - 1];
    if (last && cp === last[1] + 1) last[1] = cp;
    else out.push([cp, cp]);
  }
  return out;
}

/** That Python's lowercase of every code point it changes. */
function lowerMap(t: (typeof TABLES)[UnicodeVersion]): Map<number, string> {
  const map = new Map<number, string>();
  for (const run of t.lower.split(';')) {
    const [cp, count, stride, delta] = run.split(',').map((x) => parseInt(x, 16));
    for (let k = 0; k < count; k++) map.set(cp + k * stride, String.fromCodePoint(cp + k * stride + delta));
  }
  for (const m of t.lowerMulti.split(';')) {
    const [cp, parts] = m.split('=');
    map.set(parseInt(cp, 16), String.fromCodePoint(...parts.split('.').map((x) => parseInt(x, 16))));
  }
  return map;
}

/**
 * Python's final-sigma rule (`handle_capital_sigma`): Σ → ς after a cased letter and not before one,
 * case-ignorable characters skipped both ways, with that Python's cased / case-ignorable tables.
 */
function sigma(s: string, i: number, cased: RegExp, ignorable: RegExp): string {
  let before = '';
  for (let j = i; j > 0;) {
    let k = j - 1;
    const lo = s.charCodeAt(k);
    if (lo >= 0xdc00 && lo <= 0xdfff && k > 0 && s.charCodeAt(k - 1) >= 0xd800 && s.charCodeAt(k - 1) <= 0xdbff) k--;
    const c = s.slice(k, j);
    j = k;
    if (!ignorable.test(c)) { before = c; break; }
  }
  if (before === '' || !cased.test(before)) return '\u03c3';
  for (let j = i + 1; j < s.length;) {
    const c = String.fromCodePoint(s.codePointAt(j)!);
    j += c.length;
    if (!ignorable.test(c)) return cased.test(c) ? '\u03c3' : '\u03c2';
  }
  return '\u03c2';
}

/**
 * `str.lower()` as native `toLowerCase()` wherever Node and that Python agree: a regex finds the code
 * points where they do not (those Python maps differently, those Node lowers that Python does not, as
 * `\p{Changes_When_Lowercased}` minus Python's own, and Σ, whose final form depends on neighbours whose
 * casedness differs between versions), and only those go through the tables.
 */
function makeLower(map: Map<number, string>, cased: RegExp, ignorable: RegExp): (s: string) => string {
  const differ = [...map].filter(([cp, low]) => String.fromCodePoint(cp).toLowerCase() !== low).map(([cp]) => cp);
  const own = classBody(toRanges([...map.keys()]));
  const extra = differ.length ? `[${classBody(toRanges(differ))}]` : '';
  const test = new RegExp(`[[\\p{Changes_When_Lowercased}--[${own}]]${extra}\\u03a3]`, 'v');
  const each = new RegExp(test.source, 'gv');
  return (s: string): string => {
    if (!test.test(s)) return s.toLowerCase();
    let out = '';
    let last = 0;
    for (const m of s.matchAll(each)) {
      const cp = m[0].codePointAt(0)!;
      out += s.slice(last, m.index).toLowerCase() + (cp === 0x3a3 ? sigma(s, m.index, cased, ignorable) : map.get(cp) ?? m[0]);
      last = m.index + m[0].length;
    }
    return out + s.slice(last).toLowerCase();
  };
}

const made = new Map<UnicodeVersion, PyUnicode>();

/** The Python string facts of one Unicode version (built once per version and process). */
export function pyUnicode(version: UnicodeVersion = DEFAULT_UNICODE): PyUnicode {
  let u = made.get(version);
  if (!u) {
    const t = TABLES[version];
    const cls = (r: string): RegExp => new RegExp(`^[${classBody(parseRanges(r))}]$`, 'u');
    u = { version, word: classBody(parseRanges(t.word)), lower: makeLower(lowerMap(t), cls(t.cased), cls(t.ignorable)) };
    made.set(version, u);
  }
  return u;
}

/** Raw tables, for tests: `\w` and `\s` ranges and the lowercase map of one version. */
export function pyTables(version: UnicodeVersion): { word: Array<[number, number]>; space: Array<[number, number]>; lower: Map<number, string> } {
  const t = TABLES[version];
  return { word: parseRanges(t.word), space: parseRanges(t.space), lower: lowerMap(t) };
}
