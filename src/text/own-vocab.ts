import { Gpt2Tokenizer } from './gpt2/tokenizer.js';
import type { TextSpec } from '../pipeline/spec.js';
import { subwordTokenizer } from './subword/load.js';

/**
 * The vocabulary of a tokenizer that numericalizes by itself (gpt2's 50257 tokens, a SentencePiece
 * model's pieces), which the store takes as is instead of building one by count; undefined for
 * word tokenizers.
 */
export function tokenizerVocab(text: TextSpec): readonly string[] | undefined {
  if (text.tokenizer === 'gpt2') return new Gpt2Tokenizer().vocab;
  if (text.tokenizer === 'subword' && text.subword?.model !== undefined) return subwordTokenizer(text.subword.model).vocab;
  return undefined;
}
