import { TOKENIZER_NAMES } from './tokenizer.js';
import { DEFAULT_UNICODE, UNICODE_VERSIONS } from './unicode/index.js';

/**
 * The text stage's options (`text` in a pipeline spec), checked at the boundary by validateOptions.
 * `unicode`: the Unicode version of the Python whose fastai output is matched (its `str.lower()` and
 * `re` `\w`): 9.0 = Python 3.6, 11.0 = 3.7, 12.1 = 3.8, 13.0 = 3.9/3.10, 14.0 = 3.11 (default, as the
 * shared references), 15.0 = 3.12, 15.1 = 3.13. Part of the store fingerprint, as the whole text spec is.
 */
export const TEXT_SPEC = {
  rules: { type: 'any', default: 'none' },
  tokenizer: { type: 'string', values: TOKENIZER_NAMES },
  bos: { type: 'boolean' },
  eos: { type: 'boolean' },
  unicode: { type: 'string', values: UNICODE_VERSIONS, default: DEFAULT_UNICODE },
  /** `subword`'s SentencePiece model, given or trained (text/subword/options.ts checks it). */
  subword: { type: 'any' },
  /** Skip the rules (gpt2's default: it saw raw text). */
  raw: { type: 'boolean' },
} as const;
