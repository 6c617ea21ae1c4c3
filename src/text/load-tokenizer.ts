import { WordmillError } from '../errors.js';
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from './tokenizer.js';

/**
 * makeTokenizer, loading only the named tokenizer's modules: what a pool worker calls, as importing
 * them all (spaCy's tables, gpt2's ranks) was most of a worker's start. Same tokenizers, same
 * errors as makeTokenizer (test/text/load-processor.test.ts checks both against each other).
 */
export async function loadTokenizer(name: TokenizerName, opts: { subwordModel?: string } = {}): Promise<Tokenizer> {
  switch (name) {
    case 'spacy-en': return new (await import('./spacy/tokenizer.js')).SpacyEnglishTokenizer();
    case 'whitespace': return new (await import('./simple-tokenizers.js')).WhitespaceTokenizer();
    case 'char': return new (await import('./simple-tokenizers.js')).CharTokenizer();
    case 'basic-english': return new (await import('./simple-tokenizers.js')).BasicEnglishTokenizer();
    case 'gpt2': return new (await import('./gpt2/tokenizer.js')).Gpt2Tokenizer();
    case 'subword':
      if (opts.subwordModel === undefined) throw subwordNeedsModel();
      return (await import('./subword/load.js')).subwordTokenizer(opts.subwordModel);
    default:
      throw unknownTokenizer(name);
  }
}

export function subwordNeedsModel(): WordmillError {
  return new WordmillError('WM_ERR_SPEC', 'text.tokenizer "subword" needs a SentencePiece model: text.subword.model (prepare trains one when it is not given)', { option: 'text.subword.model' });
}

export function unknownTokenizer(name: unknown): WordmillError {
  return new WordmillError('WM_ERR_SPEC', `text.tokenizer: unknown tokenizer "${String(name)}" (known: ${TOKENIZER_NAMES.join(', ')})`, { option: 'text.tokenizer', actual: String(name) });
}
