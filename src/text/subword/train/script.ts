/**
 * Unicode scripts as sentencepiece's IsValidSentencePiece uses them: a piece may not mix scripts
 * (Common — digits, punctuation — counts as one), Hiragana/Katakana count as Han, Inherited (combining
 * marks) takes the previous character's script. Read from the JavaScript engine's Unicode tables.
 */
const SCRIPTS = [
  'Latin', 'Common', 'Inherited', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam',
  'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Khmer',
  'Mongolian', 'Han', 'Hiragana', 'Katakana', 'Bopomofo', 'Yi',
] as const;
const TESTS = SCRIPTS.map((s) => new RegExp(`^\\p{Script=${s}}$`, 'u'));
export const HAN = SCRIPTS.indexOf('Han');
export const INHERITED = SCRIPTS.indexOf('Inherited');
const UNKNOWN = SCRIPTS.length;
const cache = new Map<number, number>();

export function scriptOf(cp: number): number {
  let s = cache.get(cp);
  if (s === undefined) {
    const ch = String.fromCodePoint(cp);
    s = TESTS.findIndex((re) => re.test(ch));
    if (s < 0) s = UNKNOWN;
    if (s === SCRIPTS.indexOf('Hiragana') || s === SCRIPTS.indexOf('Katakana') || cp === 0x30fc) s = HAN;
    cache.set(cp, s);
  }
  return s;
}
