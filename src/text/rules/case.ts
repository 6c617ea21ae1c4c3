import { BOS, EOS, TK_MAJ, TK_UP } from '../special-tokens.js';
import { PY_SPACE, pyLower, pyStrip } from '../pychars.js';

/** fastai `_re_all_caps` = `(\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))`: ASCII capitals only (`É` is not `[A-Z]`). */
const RE_ALL_CAPS = new RegExp(`([${PY_SPACE}]|^)([A-Z]+[^a-z${PY_SPACE}]*)(?=[${PY_SPACE}]|$)`, 'gu');
/** fastai `replace_all_caps`: an all-caps word → `xxup word` lowercased; one-letter words are only lowercased. */
export function replaceAllCaps(text: string): string {
  return text.replace(RE_ALL_CAPS, (_m, pre: string, word: string) => `${pre}${word.length > 1 ? `${TK_UP} ` : ''}${pyLower(word)}`);
}

/** fastai `_re_maj` = `(\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))`. */
const RE_MAJ = new RegExp(`([${PY_SPACE}]|^)([A-Z][^A-Z${PY_SPACE}]*)(?=[${PY_SPACE}]|$)`, 'gu');
/** fastai `replace_maj`: a Capitalised word → `xxmaj word` lowercased; one-letter words are only lowercased. */
export function replaceMaj(text: string): string {
  return text.replace(RE_MAJ, (_m, pre: string, word: string) => `${pre}${word.length > 1 ? `${TK_MAJ} ` : ''}${pyLower(word)}`);
}

/** fastai `lowercase`: `'xxbos ' + text.lower().strip()` (Python's lower and strip). */
export const lowercase = (text: string): string => `${BOS} ${pyStrip(pyLower(text))}`;

/** `lowercase` with fastai's `add_eos=True`: also appends ` xxeos`. */
export const lowercaseWithEos = (text: string): string => `${lowercase(text)} ${EOS}`;
