/**
 * Special-token sets. fastai's order is fixed (unk 0, pad 1) because pretrained AWD-LSTM weights and
 * every fastai model assume it; torchtext's modern `build_vocab_from_iterator(specials=['<unk>'])`
 * keeps only `<unk>`; d2l's `Vocab` is `['<unk>'] + reserved`, given here as an explicit list.
 */
import { SPECIAL_TOKENS } from '../text/special-tokens.js';

/** The text stage's own list, so the specials the processor emits and the vocabulary's ids 0–8 cannot drift apart. */
export const FASTAI_SPECIALS: readonly string[] = SPECIAL_TOKENS;
export const TORCHTEXT_SPECIALS = ['<unk>'] as const;
export const FAKE_TOKEN = 'xxfake';

export type SpecialsSpec = 'fastai' | 'torchtext' | 'none' | string[];

const UNK_NAMES = ['xxunk', '<unk>', '<UNK>', '[UNK]'];
const PAD_NAMES = ['xxpad', '<pad>', '<PAD>', '[PAD]'];

export function resolveSpecials(spec: SpecialsSpec): string[] {
  if (Array.isArray(spec)) return [...spec];
  if (spec === 'fastai') return [...FASTAI_SPECIALS];
  if (spec === 'torchtext') return [...TORCHTEXT_SPECIALS];
  return [];
}

/** The id of the first entry that is a known unknown-token name, or -1. */
export function findUnk(itos: readonly string[]): number {
  for (const name of UNK_NAMES) {
    const i = itos.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

export function findPad(itos: readonly string[]): number {
  for (const name of PAD_NAMES) {
    const i = itos.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}
