import { isPySpace } from '../pychars.js';

/**
 * Where a document can be tokenized in two pieces with the same tokens as whole. spaCy's walk tokenizes
 * each whitespace / non-whitespace chunk alone, except that a token keeps the one ' ' after it, and that
 * the special-case matcher runs over the whole document (across whitespace: `a'' ''a`). So a cut is safe
 * right after the ' ' that ends a word (cutting before it, or inside a longer whitespace run, would turn
 * whitespace into a token) when no special-case match can cross from the chunk before into the chunk
 * after: `joins(…)` says whether a match can hold the last token of chunk `[ls, le)` and the first of `[rs, re)`. URLs and other token_match spans lie
 * inside one chunk, so they are never cut. The chunk after the cut must end inside `text`, so the answer
 * holds whatever text follows; `text` must start a document or start at an earlier safe cut.
 * Returns the first such index in `[max(from, 1), text.length)`, or -1.
 */
export function safeCutAfter(text: string, from: number, joins: (ls: number, le: number, rs: number, re: number) => boolean): number {
  const n = text.length;
  for (let i = Math.max(from, 2); i < n; i++) {
    if (text.charCodeAt(i - 1) !== 32 || isPySpace(text.charCodeAt(i - 2))) continue;
    const ws = isPySpace(text.charCodeAt(i));
    let end = i + 1;
    while (end < n && isPySpace(text.charCodeAt(end)) === ws) end++;
    if (end >= n) return -1; // the chunk after the cut may go on past the text
    let start = i - 2;
    while (start > 0 && !isPySpace(text.charCodeAt(start - 1))) start--;
    if (!joins(start, i - 1, i, end)) return i;
  }
  return -1;
}
