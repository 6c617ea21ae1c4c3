import { FLD, UNK } from '../special-tokens.js';
import { htmlUnescape } from './html-unescape.js';
import { replaceAll } from './fix-html.js';
import { rmUselessSpaces } from './spaces.js';

/** The replacements of fastai's WikiText-era `fixup` (v0.7 notebooks, v1 `fix_html`), in its order. */
const FIXUP_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['#39;', "'"], ['amp;', '&'], ['#146;', "'"], ['nbsp;', ' '], ['#36;', '$'], ['\\n', '\n'], ['quot;', "'"],
  ['<br />', '\n'], ['\\"', '"'], ['<unk>', UNK], [' @.@ ', '.'], [' @-@ ', '-'], [' @,@ ', ','], ['\\', ' \\ '],
];

/** fastai v0.7/v1 `fixup`: undoes WikiText's ` @-@ `, ` @.@ `, ` @,@ ` and `<unk>`, unescapes HTML, squeezes spaces. */
export function fixup(text: string): string {
  let t = text;
  for (const [a, b] of FIXUP_PAIRS) t = replaceAll(t, a, b);
  // `re1` of fastai's `fixup` is ` {2,}`, the same pattern as `rm_useless_spaces`.
  return rmUselessSpaces(htmlUnescape(t));
}

/** fastai's multi-field join (`mark_fields=True`): `xxfld 1 <first> xxfld 2 <second> …`. */
export function joinFields(fields: readonly string[]): string {
  return fields.map((f, i) => `${FLD} ${i + 1} ${f}`).join(' ');
}

/** Universal newlines, as Python's text-mode `open()`: `\r\n` and a lone `\r` become `\n`. */
const RE_CR = /\r\n?/g;
export const universalNewlines = (text: string): string => (text.indexOf('\r') < 0 ? text : text.replace(RE_CR, '\n'));
