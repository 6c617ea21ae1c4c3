/** A tokenizer turns one document's text into token strings. Implementations are synchronous and pure. */
export interface Tokenizer {
  readonly name: string;
  tokenize(text: string): string[];
  /**
   * A tokenizer that numericalizes by itself (subword, gpt2): its token texts in id order. Its
   * `tokenize` returns only these strings, and the store takes this list as its vocabulary
   * instead of building one by count.
   */
  readonly vocab?: readonly string[];
  /** `tokenize(text)` as indices into `vocab` (`vocab[encodeIds(t)[i]] === tokenize(t)[i]`), without cutting a string per token. */
  encodeIds?(text: string): Int32Array;
  /** The token appended after every document (gpt2's `<|endoftext|>`), when the tokenizer has one. */
  readonly endOfText?: string;
  /**
   * The first index `i` at or after `from` (0 < i < text.length) where the text may be cut and tokenized in
   * two pieces with the same tokens as whole, whatever follows `text`; -1 when there is none. `text` starts
   * a document or at an earlier safe cut. Absent: the tokenizer offers no safe cut.
   */
  safeCut?(text: string, from: number): number;
}

/** One token with its place in the text: `text.slice(start, end) === token`, `space` = one ' ' follows it. */
export interface TokenSpan {
  text: string;
  start: number;
  end: number;
  space: boolean;
}

/** The tokenizer names a pipeline spec may use (`text.tokenizer`). */
export const TOKENIZER_NAMES = ['spacy-en', 'whitespace', 'char', 'basic-english', 'subword', 'gpt2'] as const;
export type TokenizerName = (typeof TOKENIZER_NAMES)[number];
