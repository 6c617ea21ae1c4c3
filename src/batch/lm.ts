import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import { EpochStream } from './base.js';
import { concatDocs, docCount, tokenCount } from './concat.js';
import { windows } from './layout.js';
import { PURPOSE, Rng } from './rng.js';
import type { LMBatchOut, TokenSplit } from './types.js';

export const lmSchema = z.strictObject({
  bs: z.int().min(1).default(64),
  seqLen: z.int().min(1).default(72),
  shuffle: z.boolean().default(false),
  seed: z.int().default(0),
});

export interface LMOptions { bs?: number; seqLen?: number; shuffle?: boolean; seed?: number }

interface Plan { stream: TokenSplit['tokens']; bl: number }

/**
 * fastai's LMDataLoader (BEHAVIOUR.md "LMDataLoader"): documents (shuffled per epoch when `shuffle`)
 * are concatenated; the first `round_down(total - 1, bs)` tokens are cut into `bs` contiguous rows of
 * `bl` tokens; batch i is columns `[i*seqLen, (i+1)*seqLen)` of every row (the last batch shorter), and
 * y is x shifted by one token, so row j of batch k+1 continues row j of batch k.
 */
export class LMStream extends EpochStream<LMBatchOut, Plan> {
  readonly kind = 'lm';
  readonly bs: number;
  readonly seqLen: number;
  private readonly shuffle: boolean;
  // The previous epoch's shuffled stream: batches are copies, so its memory can hold the next epoch.
  private reuse: TokenSplit['tokens'] | undefined;

  constructor(private readonly split: TokenSplit, options: LMOptions = {}) {
    const o = validateOptions('lm batches', lmSchema, options);
    super(o.seed);
    this.bs = o.bs;
    this.seqLen = o.seqLen;
    this.shuffle = o.shuffle;
    const total = tokenCount(split);
    if (total - 1 < this.bs) {
      throw new WordmillError('WM_ERR_OPTION', `lm batches: ${total} tokens cannot fill ${this.bs} rows (need at least bs + 1 = ${this.bs + 1}); lower "bs"`, { option: 'bs' });
    }
  }

  protected plan(epoch: number): Plan {
    const order = this.shuffle ? new Rng(this.seed, epoch, PURPOSE.docs).permutation(docCount(this.split)) : undefined;
    const stream = concatDocs(this.split, order, this.reuse);
    if (order) this.reuse = stream;
    return { stream, bl: Math.floor((stream.length - 1) / this.bs) };
  }

  protected count(p: Plan): number {
    return Math.ceil(p.bl / this.seqLen);
  }

  protected make(p: Plan, i: number): LMBatchOut {
    const { bs } = this;
    const start = i * this.seqLen;
    const len = Math.min(this.seqLen, p.bl - start);
    const { x, y } = windows(p.stream, bs, len, (r) => r * p.bl + start);
    return { x, y, bs, seqLen: len };
  }
}
