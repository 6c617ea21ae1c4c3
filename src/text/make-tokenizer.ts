import { Gpt2Tokenizer } from './gpt2/tokenizer.js';
import { subwordNeedsModel, unknownTokenizer } from './load-tokenizer.js';
import { BasicEnglishTokenizer, CharTokenizer, WhitespaceTokenizer } from './simple-tokenizers.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';
import { subwordTokenizer } from './subword/load.js';
import type { Tokenizer, TokenizerName } from './tokenizer.js';

/**
 * A fresh tokenizer by spec name (`subword` needs its `.model` file); an unknown name is a
 * `WM_ERR_SPEC` listing the known ones. Loads every tokenizer's module; loadTokenizer is the
 * asynchronous one that loads only the named one.
 */
export function makeTokenizer(name: TokenizerName, opts: { subwordModel?: string } = {}): Tokenizer {
  switch (name) {
    case 'spacy-en': return new SpacyEnglishTokenizer();
    case 'whitespace': return new WhitespaceTokenizer();
    case 'char': return new CharTokenizer();
    case 'basic-english': return new BasicEnglishTokenizer();
    case 'gpt2': return new Gpt2Tokenizer();
    case 'subword':
      if (opts.subwordModel === undefined) throw subwordNeedsModel();
      return subwordTokenizer(opts.subwordModel);
    default:
      throw unknownTokenizer(name);
  }
}
