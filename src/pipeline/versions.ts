/**
 * Versions of the stage algorithms, part of every store fingerprint: bump one when its stage starts
 * producing different output for the same input, and every cached store built by the old one is
 * rebuilt instead of trusted.
 */
export const ALGORITHMS = {
  documents: 'documents/1',
  rules: 'fastai-rules/2', // 2: Python's Unicode tables per text.unicode, not Node's
  tokenizer: 'tokenizers/1',
  vocab: 'vocab/1',
} as const;
