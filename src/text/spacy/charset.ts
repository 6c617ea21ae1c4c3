/**
 * A set of code points built from a regex character-class body (`a-z\u00e0-\u00f6\u{1f300}-\u{1f3fa}`):
 * O(1) membership for the hot affix scanners, and the same body for the regexes built from it.
 */
export class CharSet {
  readonly source: string;
  private readonly bmp = new Uint8Array(0x10000);
  private readonly astral: number[] = [];

  constructor(source: string) {
    this.source = source;
    for (const [lo, hi] of parseClass(source)) {
      for (let c = lo; c <= Math.min(hi, 0xffff); c++) this.bmp[c] = 1;
      if (hi > 0xffff) this.astral.push(Math.max(lo, 0x10000), hi);
    }
  }

  has(cp: number): boolean {
    if (cp <= 0xffff) return this.bmp[cp] === 1;
    for (let i = 0; i < this.astral.length; i += 2) if (cp >= this.astral[i] && cp <= this.astral[i + 1]) return true;
    return false;
  }
}

/** Parses a class body into inclusive code-point ranges: literals, `\uXXXX`, `\u{X…}`, `\x`-escaped literals, `a-b`. */
function parseClass(src: string): Array<[number, number]> {
  const atoms: number[] = [];
  const out: Array<[number, number]> = [];
  const cps = Array.from(src);
  let i = 0;
  const atom = (): number => {
    const ch = cps[i++];
    if (ch !== '\\') return ch.codePointAt(0)!;
    const e = cps[i++];
    if (e === 'u' && cps[i] === '{') {
      const close = cps.indexOf('}', i);
      const v = parseInt(cps.slice(i + 1, close).join(''), 16);
      i = close + 1;
      return v;
    }
    if (e === 'u') {
      const v = parseInt(cps.slice(i, i + 4).join(''), 16);
      i += 4;
      return v;
    }
    return e.codePointAt(0)!;
  };
  while (i < cps.length) {
    const lo = atom();
    if (cps[i] === '-' && i + 1 < cps.length) {
      i++;
      out.push([lo, atom()]);
    } else {
      atoms.push(lo);
    }
  }
  for (const a of atoms) out.push([a, a]);
  return out;
}

/** The code point ending just before UTF-16 index `i` (or -1 at `lo`), reading a surrogate pair whole. */
export function cpBefore(s: string, i: number, lo: number): number {
  if (i <= lo) return -1;
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i - 2 >= lo) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return ((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
  }
  return c;
}

/** UTF-16 length of a code point. */
export const cpLen = (cp: number): number => (cp > 0xffff ? 2 : 1);
