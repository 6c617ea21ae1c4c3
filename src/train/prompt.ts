import type { TextSpec } from '../pipeline/spec.js';
import { makeTextProcessor } from '../text/index.js';
import type { Vocab } from '../vocab/vocab.js';
import { detokenize } from './detokenize.js';
import type { GenerateOptions, TrainerClient } from './types.js';

/** A prompt as the model sees it (`ids`) and as the continuations start (`tokens`). */
export interface EncodedPrompt { tokens: string[]; ids: number[]; vocab: Vocab; char: boolean }

/**
 * Tokenizes `prompt` with the run's own text spec (the rules and tokenizer the model saw) and
 * encodes it with the checkpoint's vocabulary. A word outside the vocabulary becomes the unknown
 * token; a vocabulary without one refuses it (WM_ERR_VOCAB, from Vocab.encode) rather than feed
 * the model a word the user did not write. Separate from continuePrompt so that a caller can
 * fail on the prompt before it starts the trainer process.
 */
export function encodePrompt(text: TextSpec, vocab: Vocab, prompt: string): EncodedPrompt {
  const tokens = makeTextProcessor(text)(prompt);
  return { tokens, ids: Array.from(vocab.encode(tokens)), vocab, char: text.tokenizer === 'char' };
}

/** Continuations of an encoded prompt as display text, the prompt included. */
export async function continuePrompt(trainer: Pick<TrainerClient, 'generate'>, p: EncodedPrompt,
  o: Omit<GenerateOptions, 'promptIds'>): Promise<string[]> {
  const outs = await trainer.generate({ ...o, promptIds: p.ids });
  return outs.map((ids) => detokenize([...p.tokens, ...ids.map((i) => p.vocab.itos[i])], { char: p.char }));
}
