import { PY_SPACE, pyLower, pySplit } from './pychars.js';
import type { Tokenizer } from './tokenizer.js';

/** fastai's `BaseTokenizer`: `text.split(' ')`, empty strings included (as fastai does). */
export class WhitespaceTokenizer implements Tokenizer {
  readonly name = 'whitespace';
  tokenize(text: string): string[] {
    return text.split(' ');
  }
}

/** d2l's character tokenizer (`token='char'`): one token per character (code point, as Python's `list(str)`). */
export class CharTokenizer implements Tokenizer {
  readonly name = 'char';
  tokenize(text: string): string[] {
    return Array.from(text);
  }
}

/** torchtext `basic_english`'s `_patterns` → `_replacements`, in order (Python `\s` is Unicode-aware, hence PY_SPACE). */
const BASIC_ENGLISH: ReadonlyArray<readonly [RegExp, string]> = [
  [/'/g, " '  "], [/"/g, ''], [/\./g, ' . '], [/<br \/>/g, ' '], [/,/g, ' , '], [/\(/g, ' ( '], [/\)/g, ' ) '],
  [/!/g, ' ! '], [/\?/g, ' ? '], [/;/g, ' '], [/:/g, ' '],
  [new RegExp(`[${PY_SPACE}]+`, 'g'), ' '],
];

/** torchtext `get_tokenizer('basic_english')`: lowercase, pad punctuation, drop quotes/`;`/`:`, split. */
export class BasicEnglishTokenizer implements Tokenizer {
  readonly name = 'basic-english';
  tokenize(text: string): string[] {
    let line = pyLower(text);
    for (const [re, rep] of BASIC_ENGLISH) line = line.replace(re, rep);
    return pySplit(line);
  }
}
