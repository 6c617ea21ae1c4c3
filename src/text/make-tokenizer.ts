import { WordmillError } from '../errors.js';
import { Gpt2Tokenizer } from './gpt2/tokenizer.js';
import { BasicEnglishTokenizer, CharTokenizer, WhitespaceTokenizer } from './simple-tokenizers.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';
import { subwordTokenizer } from './subword/load.js';
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from './tokenizer.js';

/**
 * A fresh tokenizer by spec name (`subword` needs its `.model` file); an unknown name is a
 * `WM_ERR_SPEC` listing the known ones.
 */
export function makeTokenizer(name: TokenizerName, opts: { subwordModel?: string } = {}): Tokenizer {
  switch (name) {
    case 'spacy-en': return new SpacyEnglishTokenizer();
    case 'whitespace': return new WhitespaceTokenizer();
    case 'char': return new CharTokenizer();
    case 'basic-english': return new BasicEnglishTokenizer();
    case 'gpt2': return new Gpt2Tokenizer();
    case 'subword':
      if (opts.subwordModel === undefined) {
        throw new WordmillError('WM_ERR_SPEC', 'text.tokenizer "subword" needs a SentencePiece model: text.subword.model (prepare trains one when it is not given)', { option: 'text.subword.model' });
      }
      return subwordTokenizer(opts.subwordModel);
    default:
      throw new WordmillError('WM_ERR_SPEC', `text.tokenizer: unknown tokenizer "${String(name)}" (known: ${TOKENIZER_NAMES.join(', ')})`, { option: 'text.tokenizer', actual: String(name) });
  }
}
