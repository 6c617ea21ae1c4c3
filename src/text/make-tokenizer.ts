import { WordmillError } from '../errors.js';
import { BasicEnglishTokenizer, CharTokenizer, WhitespaceTokenizer } from './simple-tokenizers.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from './tokenizer.js';

/** A fresh tokenizer by spec name; an unknown name is a `WM_ERR_SPEC` listing the known ones. */
export function makeTokenizer(name: TokenizerName): Tokenizer {
  switch (name) {
    case 'spacy-en': return new SpacyEnglishTokenizer();
    case 'whitespace': return new WhitespaceTokenizer();
    case 'char': return new CharTokenizer();
    case 'basic-english': return new BasicEnglishTokenizer();
    default:
      throw new WordmillError('WM_ERR_SPEC', `text.tokenizer: unknown tokenizer "${String(name)}" (known: ${TOKENIZER_NAMES.join(', ')})`, { option: 'text.tokenizer', actual: String(name) });
  }
}
