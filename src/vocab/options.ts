import { named, nonEmpty, nonNegInt, posInt, z } from '../schema/index.js';

/**
 * The vocabulary's options, which are a pipeline spec's `vocab` section. Defaults are fastai's
 * `Numericalize`: min_freq 3, max_vocab 60000, specials first, `xxfake` to a multiple of 8.
 */
export const vocabSchema = z.strictObject({
  minFreq: posInt.default(3),
  maxVocab: posInt.default(60000),
  /** `fastai` (xxunk, xxpad, xxbos …), `torchtext` (<unk>), `none`, or an explicit list. */
  specials: z.union([named(['fastai', 'torchtext', 'none'], 'specials set'), z.array(nonEmpty)]).default('fastai'),
  /** `count` (descending, ties by first appearance) or `first` (first appearance, as fastbook's `L(tokens).unique()`). */
  order: named(['count', 'first'], 'order').default('count'),
  /** Pad with `xxfake` to a multiple of this (fastai: 8; 0 = no padding). */
  padMultiple: nonNegInt.default(8),
  /** Tie-break among equal counts: `first` appearance (fastai, d2l) or `alpha`betical (torchtext). Default: `alpha` for torchtext specials, else `first`. */
  ties: named(['first', 'alpha'], 'tie-break').optional(),
  /** Load the vocabulary from a file instead of building it. */
  file: nonEmpty.optional(),
});

export type VocabSpec = z.output<typeof vocabSchema>;
export type VocabOptions = z.input<typeof vocabSchema>;
