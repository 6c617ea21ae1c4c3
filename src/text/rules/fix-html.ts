import { UNK } from '../special-tokens.js';
import { htmlUnescape } from './html-unescape.js';

/** The literal replacements of fastai's `fix_html`, in its order (note: `amp;` loses only its `amp;`, so `&amp;` → `&&`). */
const FIX_HTML_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['#39;', "'"], ['amp;', '&'], ['#146;', "'"], ['nbsp;', ' '], ['#36;', '$'], ['\\n', '\n'], ['quot;', "'"],
  ['<br />', '\n'], ['\\"', '"'], ['<unk>', UNK], [' @.@ ', '.'], [' @-@ ', '-'], ['...', ' …'],
];

/** Python's `str.replace(a, b)` (all occurrences, left to right, non-overlapping). */
export const replaceAll = (s: string, a: string, b: string): string => (s.indexOf(a) < 0 ? s : s.replaceAll(a, b));

/** fastai `fix_html`: messy HTML leftovers, then Python's `html.unescape`. */
export function fixHtml(text: string): string {
  let t = text;
  for (const [a, b] of FIX_HTML_PAIRS) t = replaceAll(t, a, b);
  return htmlUnescape(t);
}
