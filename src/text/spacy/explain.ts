import { pySplit } from '../pychars.js';
import { findInfixes, findPrefix, findSuffix } from './affixes.js';
import type { SpecialMatcher } from './matcher.js';
import { urlMatch } from './url.js';

type Rule = [string, string];

/**
 * spaCy 3.x's `Tokenizer.explain`, which is its own Python loop and not the tokenizer: each `text.split()`
 * word is peeled (special cases checked before and after each prefix), then the special-case matcher runs
 * over the words with `util.filter_spans` (only kept matches claim tokens), and a match is relabelled
 * `SPECIAL-n` when the words it covers, joined with single spaces, are its special case. So `'The` gives
 * `SPECIAL-1 '` (the one-token pattern of the special case `'`), and whitespace tokens are left out.
 */
export function explainText(text: string, specials: Map<string, string[]>, matcher: SpecialMatcher): Rule[] {
  const rules: Rule[] = [];
  const special = (s: string): void => {
    specials.get(s)!.forEach((p, i) => rules.push([`SPECIAL-${i + 1}`, p]));
  };
  for (const word of pySplit(text)) peel(word, specials, special, rules);
  return relabel(text, rules, specials, matcher);
}

function peel(word: string, specials: Map<string, string[]>, special: (s: string) => void, rules: Rule[]): void {
  const suffixes: Rule[] = [];
  let s = word;
  if (specials.has(s)) { special(s); return; }
  while (findPrefix(s, 0, s.length) || findSuffix(s, 0, s.length)) {
    if (specials.has(s)) { special(s); s = ''; break; }
    const pre = findPrefix(s, 0, s.length);
    if (pre) {
      rules.push(['PREFIX', s.slice(0, pre)]);
      s = s.slice(pre);
      if (specials.has(s)) continue;
    }
    const suf = findSuffix(s, 0, s.length);
    if (suf) {
      suffixes.push(['SUFFIX', s.slice(s.length - suf)]);
      s = s.slice(0, s.length - suf);
    }
  }
  if (s.length > 0) {
    if (urlMatch(s)) rules.push(['URL_MATCH', s]);
    else if (specials.has(s)) special(s);
    else infixes(s, rules);
  }
  for (let i = suffixes.length - 1; i >= 0; i--) rules.push(suffixes[i]);
}

function infixes(s: string, rules: Rule[]): void {
  const m = findInfixes(s);
  let offset = 0;
  for (let k = 0; k < m.length; k += 2) {
    if (offset === 0 && m[k] === 0) continue;
    if (m[k] > offset) rules.push(['TOKEN', s.slice(offset, m[k])]);
    if (m[k + 1] > m[k]) rules.push(['INFIX', s.slice(m[k], m[k + 1])]);
    offset = m[k + 1];
  }
  if (offset < s.length) rules.push(['TOKEN', s.slice(offset)]);
}

/** The matcher pass over the explained words, spaced as `get_words_and_spaces` rebuilds them. */
function relabel(text: string, rules: Rule[], specials: Map<string, string[]>, matcher: SpecialMatcher): Rule[] {
  const words = rules.map((r) => r[1]);
  const kept = matcher.kept(words, false);
  if (kept.length === 0) return rules;
  const starts: number[] = [];
  let doc = '';
  let at = 0;
  for (const w of words) {
    at = text.indexOf(w, at);
    starts.push(doc.length);
    doc += w;
    at += w.length;
    if (text.charCodeAt(at) === 32) { doc += ' '; at++; }
  }
  const out: Rule[] = [];
  let i = 0;
  for (const [s, e] of kept) {
    for (; i < s; i++) out.push(rules[i]);
    const covered = doc.slice(starts[s], starts[e - 1] + words[e - 1].length);
    const exc = specials.get(covered);
    if (!exc) continue; // left as they are
    exc.forEach((p, j) => out.push([`SPECIAL-${j + 1}`, p]));
    i = e;
  }
  for (; i < rules.length; i++) out.push(rules[i]);
  return out;
}
