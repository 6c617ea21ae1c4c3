import { WordmillError } from '../errors.js';
import { BpttStream, type BpttOptions } from './bptt.js';
import { D2lRandomStream, D2lSequentialStream, type D2lOptions } from './d2l.js';
import { LMStream, type LMOptions } from './lm.js';
import { RandomBpttStream, type RandomBpttOptions } from './random-bptt.js';
import { SortishStream, type SortishOptions } from './sortish.js';
import type { AnyBatch, BatchStream, TokenSplit } from './types.js';

export { LMStream, BpttStream, RandomBpttStream, D2lRandomStream, D2lSequentialStream, SortishStream };
export type { LMOptions, BpttOptions, RandomBpttOptions, D2lOptions, SortishOptions };
export type { PaddingStats } from './sortish.js';
export type { AnyBatch, BatchStream, LMBatchOut, StreamState, TokenSplit } from './types.js';
export { Rng } from './rng.js';
export { InputOrder } from './order.js';

import { BATCH_KINDS } from './options.js';
export { BATCH_KINDS, LM_BATCH_KINDS, batchSpecSchema, type BatchKind, type BatchSpec } from './options.js';

/** The window length under each original library's name: torchtext `bptt_len`, fastai v0.7 `bptt`, d2l `num_steps`. */
const SEQ_LEN_ALIAS: Record<string, string> = { bptt: 'bpttLen', 'lm-random-bptt': 'bptt', 'd2l-random': 'numSteps', 'd2l-sequential': 'numSteps' };

function normalize(kind: string, options: object): object {
  const alias = SEQ_LEN_ALIAS[kind];
  if (!alias || !(alias in options)) return options;
  const { [alias]: value, ...rest } = options as Record<string, unknown>;
  if ('seqLen' in rest) {
    throw new WordmillError('WM_ERR_OPTION', `${kind} batches: give "seqLen" or its alias "${alias}", not both`, { option: alias });
  }
  return { ...rest, seqLen: value };
}

/**
 * A batch stream of `kind` over `split` (a store split or any `{tokens, docStarts, labels?}`).
 * Options are the kind's own (validated; unknown ones rejected): see each stream's schema. The window
 * length is `seqLen` everywhere, also accepted as `bpttLen` (bptt), `bptt` (lm-random-bptt) and
 * `numSteps` (d2l-*).
 */
export function createBatchStream(kind: string, split: TokenSplit, given: object = {}): BatchStream<AnyBatch> {
  const options = normalize(kind, given);
  switch (kind) {
    case 'lm': return new LMStream(split, options);
    case 'lm-random-bptt': return new RandomBpttStream(split, options);
    case 'bptt': return new BpttStream(split, options);
    case 'd2l-random': return new D2lRandomStream(split, options);
    case 'd2l-sequential': return new D2lSequentialStream(split, options);
    case 'sortish': return new SortishStream(split, options);
    default:
      throw new WordmillError('WM_ERR_OPTION', `batch kind ${JSON.stringify(kind)} is unknown (known: ${BATCH_KINDS.join(', ')})`, { option: 'kind', actual: kind });
  }
}
export { batchStage } from './stage.js';
