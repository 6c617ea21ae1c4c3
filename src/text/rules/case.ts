import { BOS, EOS, TK_MAJ, TK_UP } from '../special-tokens.js';
import { isPySpace, pyLower, pyStrip } from '../pychars.js';

/*
 * fastai's case rules are regexes over the whole text:
 *   _re_all_caps = (\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))   _re_maj = (\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))
 * A match is always one whole whitespace-delimited word (Python's Unicode \s), so they are applied here
 * word by word. Same result, but linear: the all-caps regex backtracks quadratically on a long capital
 * run followed by a lower-case letter (40k characters took 3 s, a 1 MB hex dump would hang).
 */
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLower = (c: number): boolean => c >= 97 && c <= 122;

type Lower = (s: string) => string;

function markWords(text: string, qualifies: (s: number, e: number) => boolean, marker: string, lower: Lower): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < n) {
    while (i < n && isPySpace(text.charCodeAt(i))) i++;
    const s = i;
    while (i < n && !isPySpace(text.charCodeAt(i))) i++;
    if (s < i && isUpper(text.charCodeAt(s)) && qualifies(s, i)) {
      // fastai marks words longer than one character (Python len; the first char is ASCII, so UTF-16 agrees)
      out += text.slice(last, s) + (i - s > 1 ? `${marker} ` : '') + lower(text.slice(s, i));
      last = i;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** fastai `replace_all_caps` with a given Python's `str.lower()`. */
export function makeReplaceAllCaps(lower: Lower): (text: string) => string {
  const replaceAllCaps = (text: string): string => markWords(text, (s, e) => {
    for (let k = s + 1; k < e; k++) if (isLower(text.charCodeAt(k))) return false;
    return true;
  }, TK_UP, lower);
  return replaceAllCaps;
}

/** fastai `replace_maj` with a given Python's `str.lower()`. */
export function makeReplaceMaj(lower: Lower): (text: string) => string {
  const replaceMaj = (text: string): string => markWords(text, (s, e) => {
    for (let k = s + 1; k < e; k++) if (isUpper(text.charCodeAt(k))) return false;
    return true;
  }, TK_MAJ, lower);
  return replaceMaj;
}

/** fastai `replace_all_caps`: an all-caps word → `xxup word` lowercased; one-letter words are only lowercased. */
export const replaceAllCaps = makeReplaceAllCaps(pyLower);

/** fastai `replace_maj`: a Capitalised word → `xxmaj word` lowercased; one-letter words are only lowercased. */
export const replaceMaj = makeReplaceMaj(pyLower);

/** fastai `lowercase`: `'xxbos ' + text.lower().strip()` (Python's lower and strip). */
export const lowercase = (text: string): string => `${BOS} ${pyStrip(pyLower(text))}`;

/** `lowercase` with fastai's `add_eos=True`: also appends ` xxeos`. */
export const lowercaseWithEos = (text: string): string => `${lowercase(text)} ${EOS}`;

/** fastai `lowercase(t, add_bos, add_eos)` for any pair of flags (the two above are the named ones), with a given Python's lower. */
export function makeLowercase(addBos: boolean, addEos: boolean, lower?: Lower): (text: string) => string {
  if (!lower) {
    if (addBos) return addEos ? lowercaseWithEos : lowercase;
    lower = pyLower;
  }
  const low = lower;
  const bos = addBos ? `${BOS} ` : '';
  const named = addEos ? (text: string): string => `${bos}${pyStrip(low(text))} ${EOS}` : (text: string): string => `${bos}${pyStrip(low(text))}`;
  return Object.defineProperty(named, 'name', { value: addBos && addEos ? 'lowercaseWithEos' : 'lowercase' });
}
