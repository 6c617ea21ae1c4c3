import { findInfixes, findPrefix, findSuffix } from './affixes.js';
import { urlMatch } from './url.js';

/** The special cases a chunk splitter consults: the table and the longest key (longer strings skip the lookup). */
export interface Specials {
  map: Map<string, string[]>;
  maxLength: number;
}

/**
 * spaCy 3.5's `_split_affixes` + `_attach_tokens` for one whitespace-free chunk: peel prefixes and suffixes
 * (stopping as soon as what remains, or remains after one affix, is a special case), then the middle goes
 * to the special cases, `url_match`, or the infix split. `specials` null = spaCy's `with_special_cases=False`.
 * `labels`, when given, receives spaCy `explain` rule names parallel to the returned tokens.
 */
export function splitChunk(chunk: string, specials: Specials | null, labels?: string[]): string[] {
  const isSpecial = (lo: number, hi: number): boolean =>
    specials !== null && hi - lo <= specials.maxLength && specials.map.has(lo === 0 && hi === chunk.length ? chunk : chunk.slice(lo, hi));
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  let lo = 0;
  let hi = chunk.length;
  let lastSize = 0;
  while (lo < hi && hi - lo !== lastSize) {
    if (isSpecial(lo, hi)) break;
    lastSize = hi - lo;
    const pre = findPrefix(chunk, lo, hi);
    if (pre !== 0 && lo + pre < hi && isSpecial(lo + pre, hi)) {
      prefixes.push(chunk.slice(lo, lo + pre));
      lo += pre;
      break;
    }
    const suf = findSuffix(chunk, lo + pre, hi);
    if (suf !== 0 && lo < hi - suf && isSpecial(lo, hi - suf)) {
      suffixes.push(chunk.slice(hi - suf, hi));
      hi -= suf;
      break;
    }
    if (pre !== 0) { prefixes.push(chunk.slice(lo, lo + pre)); lo += pre; }
    if (suf !== 0) { suffixes.push(chunk.slice(hi - suf, hi)); hi -= suf; }
  }
  const out = prefixes;
  if (labels) for (let i = 0; i < prefixes.length; i++) labels.push('PREFIX');
  if (lo < hi) attachMiddle(lo === 0 && hi === chunk.length ? chunk : chunk.slice(lo, hi), specials, out, labels);
  for (let i = suffixes.length - 1; i >= 0; i--) {
    out.push(suffixes[i]);
    if (labels) labels.push('SUFFIX');
  }
  return out;
}

function attachMiddle(mid: string, specials: Specials | null, out: string[], labels?: string[]): void {
  const special = specials?.map.get(mid);
  if (special) {
    for (let i = 0; i < special.length; i++) { out.push(special[i]); labels?.push(`SPECIAL-${i + 1}`); }
    return;
  }
  if (urlMatch(mid)) {
    out.push(mid);
    labels?.push('URL_MATCH');
    return;
  }
  const m = findInfixes(mid);
  let start = 0;
  for (let k = 0; k < m.length; k += 2) {
    const a = m[k];
    const b = m[k + 1];
    if (a === 0) continue; // spaCy skips an infix at the very start (it stays glued to what follows)
    if (a !== start) { out.push(mid.slice(start, a)); labels?.push('TOKEN'); }
    if (a !== b) { out.push(mid.slice(a, b)); labels?.push('INFIX'); }
    start = b;
  }
  if (start < mid.length) { out.push(start === 0 ? mid : mid.slice(start)); labels?.push('TOKEN'); }
}
