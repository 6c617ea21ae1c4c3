import type { TextSpec } from '../pipeline/spec.js';
import { makeTextProcessor } from '../text/index.js';
import { findPad, findUnk } from '../vocab/specials.js';
import type { Vocab } from '../vocab/vocab.js';
import { detokenize } from './detokenize.js';
import { Gpt2Tokenizer } from '../text/gpt2/tokenizer.js';
import type { GenerateOptions, TrainerClient } from './types.js';

/** A prompt as the model sees it (`ids`) and as the continuations start (`tokens`); `display` makes text of tokens. */
export interface EncodedPrompt { tokens: string[]; ids: number[]; vocab: Vocab; char: boolean; display?: (tokens: string[]) => string }

/**
 * Display text for the run's tokenizer: GPT-2's tokens are bytes (its own detokenizer), subword
 * pieces are joined with `▁` as the space, then fastai's markers are undone as for words.
 */
export function displayFor(text: TextSpec): (tokens: string[]) => string {
  if (text.tokenizer === 'gpt2') {
    const t = new Gpt2Tokenizer();
    return (tokens) => t.detokenize(tokens.filter((x) => x !== t.endOfText));
  }
  if (text.tokenizer === 'subword') return (tokens) => detokenize(tokens.join('').replace(/\u2581/g, ' ').trim().split(/ +/));
  return (tokens) => detokenize(tokens, { char: text.tokenizer === 'char' });
}

/**
 * Tokenizes `prompt` with the run's own text spec (the rules and tokenizer the model saw) and
 * encodes it with the checkpoint's vocabulary. A word outside the vocabulary becomes the unknown
 * token; a vocabulary without one refuses it (WM_ERR_VOCAB, from Vocab.encode) rather than feed
 * the model a word the user did not write. Separate from continuePrompt so that a caller can
 * fail on the prompt before it starts the trainer process.
 */
export function encodePrompt(text: TextSpec, vocab: Vocab, prompt: string): EncodedPrompt {
  const tokens = makeTextProcessor(text)(prompt);
  return { tokens, ids: Array.from(vocab.encode(tokens)), vocab, char: text.tokenizer === 'char', display: displayFor(text) };
}

/**
 * Continuations of an encoded prompt as display text, the prompt included. The unknown and padding
 * tokens are never sampled unless `allowUnk` (then only padding is banned).
 */
export async function continuePrompt(trainer: Pick<TrainerClient, 'generate'>, p: EncodedPrompt,
  o: Omit<GenerateOptions, 'promptIds'> & { allowUnk?: boolean }): Promise<string[]> {
  const { allowUnk, ...rest } = o;
  // fastai's predict (no_unk=True) never samples the unknown token; padding is not text either.
  const banned = [allowUnk ? -1 : findUnk(p.vocab.itos), findPad(p.vocab.itos)].filter((i) => i >= 0);
  const outs = await trainer.generate({ ...rest, banned: [...(rest.banned ?? []), ...banned], promptIds: p.ids });
  const show = p.display ?? ((t: string[]) => detokenize(t, { char: p.char }));
  return outs.map((ids) => show([...p.tokens, ...ids.map((i) => p.vocab.itos[i])]));
}

/**
 * Several samples as one text a person can tell apart: numbered `[i/n]`, a sample's own line breaks
 * indented under its first line, a blank line between samples. One sample is printed as it is.
 */
export function formatSamples(samples: string[]): string {
  if (samples.length === 1) return `${samples[0]}\n`;
  return samples.map((s, i) => {
    const head = `[${i + 1}/${samples.length}] `;
    return `${head}${s.split('\n').join(`\n${' '.repeat(head.length)}`)}\n`;
  }).join('\n');
}
