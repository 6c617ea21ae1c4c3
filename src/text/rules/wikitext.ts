import { FLD, UNK } from '../special-tokens.js';
import { htmlUnescape } from './html-unescape.js';
import { replaceAll } from './fix-html.js';

/** The replacements of fastai's WikiText-era `fixup` (v0.7 notebooks, v1 `fix_html`), in its order. */
const FIXUP_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['#39;', "'"], ['amp;', '&'], ['#146;', "'"], ['nbsp;', ' '], ['#36;', '$'], ['\\n', '\n'], ['quot;', "'"],
  ['<br />', '\n'], ['\\"', '"'], ['<unk>', UNK], [' @.@ ', '.'], [' @-@ ', '-'], [' @,@ ', ','], ['\\', ' \\ '],
];
/** `re1` of fastai's `fixup`: two or more spaces. */
const RE_SPACES = / {2,}/g;

/** fastai v0.7/v1 `fixup`: undoes WikiText's ` @-@ `, ` @.@ `, ` @,@ ` and `<unk>`, unescapes HTML, squeezes spaces. */
export function fixup(text: string): string {
  let t = text;
  for (const [a, b] of FIXUP_PAIRS) t = replaceAll(t, a, b);
  return htmlUnescape(t).replace(RE_SPACES, ' ');
}

/** fastai's multi-field join (`mark_fields=True`): `xxfld 1 <first> xxfld 2 <second> …`. */
export function joinFields(fields: readonly string[]): string {
  return fields.map((f, i) => `${FLD} ${i + 1} ${f}`).join(' ');
}

/** Universal newlines, as Python's text-mode `open()`: `\r\n` and a lone `\r` become `\n`. */
const RE_CR = /\r\n?/g;
export const universalNewlines = (text: string): string => (text.indexOf('\r') < 0 ? text : text.replace(RE_CR, '\n'));
