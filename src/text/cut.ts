import type { TextSpec } from '../pipeline/spec.js';
import { isPySpace } from './pychars.js';
import { textSetup } from './processor.js';
import { applyRules, universalNewlines } from './rules/index.js';
import { BasicEnglishTokenizer, CharTokenizer, WhitespaceTokenizer } from './simple-tokenizers.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';

/** Python's `\w` for one UTF-16 unit (letters, digits, `_`; a surrogate half counts as a letter). */
const WORD = /[\p{L}\p{N}_\p{M}\uD800-\uDFFF]/u;
const isWord = (s: string, i: number): boolean => i >= 0 && i < s.length && WORD.test(s[i]);

/** Characters of raw text on each side of a candidate cut that the rules are run on to check it. */
const WINDOW = 256;

/**
 * Where a long document may be cut into pieces that makeTextProcessor turns into the same tokens as
 * the whole: `cut(raw, from)` is the first index i >= from with `raw[i-1]` a single ' ' between two
 * word characters (so no fastai rule pattern — ` @-@ `, `<br />`, `[/#\n]`, space runs, all-caps
 * or capitalised words, `strip()` — reaches across it), the word before different from the word
 * after (a `replace_wrep` run cannot span it), where running the rules over a window across the cut
 * gives the two sides' results joined by one ' ', and where the tokenizer can cut its output there
 * (spaCy: SpacyEnglishTokenizer.safeCut, the one predicate of the text stage; no special case joins
 * the two sides). The piece `raw.slice(0, i)` is then processed with `last: false`. -1 when there is
 * no such index before the text runs out (the window must lie inside `raw`); undefined when this
 * spec's rules or tokenizer cannot be cut at all (d2l's line join), so the document stays whole.
 */
export function makeTextCutter(spec: TextSpec): ((raw: string, from: number) => number) | undefined {
  const setup = textSetup(spec);
  const tok = setup.tokenizer;
  if (!setup.local) return undefined;
  const mid = setup.rules(false, false);
  const rules = (t: string): string => applyRules(setup.fastai ? universalNewlines(t) : t, mid);
  const tokenizerCuts = (joined: string, k: number): boolean => {
    if (tok instanceof SpacyEnglishTokenizer) return tok.safeCut(joined, k) === k;
    if (tok instanceof BasicEnglishTokenizer) return !joined.slice(Math.max(0, k - 6), k + 6).includes('<br />');
    return tok instanceof CharTokenizer || tok instanceof WhitespaceTokenizer;
  };
  return (raw: string, from: number): number => {
    for (let i = Math.max(from, 2); i < raw.length; i++) {
      if (raw.charCodeAt(i - 1) !== 32 || !isWord(raw, i - 2) || !isWord(raw, i)) continue;
      let a = i - 2;
      while (a > 0 && isWord(raw, a - 1)) a--;
      let b = i;
      while (b < raw.length && isWord(raw, b)) b++;
      if (raw.slice(a, i - 1) === raw.slice(i, b)) continue;
      // The window: from a space at least WINDOW back (or the start) to a space at least WINDOW on.
      const start = i - 1 - WINDOW <= 0 ? 0 : raw.lastIndexOf(' ', i - 1 - WINDOW) + 1;
      const end = raw.indexOf(' ', i + WINDOW);
      if (end < 0) return -1;
      const left = rules(raw.slice(start, i)).replace(/ +$/, '');
      const right = rules(raw.slice(i, end));
      if (rules(raw.slice(start, end)) !== `${left} ${right}`) continue;
      if (right.length === 0 || isPySpace(right.charCodeAt(0))) continue;
      if (tokenizerCuts(`${left} ${right} `, left.length + 1)) return i;
    }
    return -1;
  };
}
