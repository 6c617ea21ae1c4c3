import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import { EpochStream } from './base.js';
import { concatDocs, docCount, tokenCount } from './concat.js';
import { columnBatch } from './layout.js';
import { PURPOSE, Rng } from './rng.js';
import type { LMBatchOut, TokenSplit } from './types.js';

export const randomBpttSchema = z.strictObject({
  bs: z.int().min(1).default(64),
  seqLen: z.int().min(1).default(70),
  shuffle: z.boolean().default(false),
  seed: z.int().default(0),
  sequenceMajor: z.boolean().default(false),
});

export interface RandomBpttOptions { bs?: number; seqLen?: number; shuffle?: boolean; seed?: number; sequenceMajor?: boolean }

interface Plan { stream: TokenSplit['tokens']; nb: number; starts: number[]; lens: number[] }

/**
 * fastai v0.7's LanguageModelLoader: the stream is cut into `bs` columns of `nb = total // bs` tokens;
 * the first batch of an epoch is `bptt + 25` steps, every later one is `bptt` (probability 0.95) or
 * `bptt / 2`, then `max(5, int(normal(that, 5)))` — `int` truncates toward zero as in the original —
 * capped by what is left; at most `nb // bptt - 1` batches. `seqLen` is bptt. The draws of an epoch
 * come from one generator seeded by (seed, epoch), so the plan is replayed exactly on resume.
 */
export class RandomBpttStream extends EpochStream<LMBatchOut, Plan> {
  readonly kind = 'lm-random-bptt';
  private readonly o: z.output<typeof randomBpttSchema>;
  // The previous epoch's shuffled stream: batches are copies, so its memory can hold the next epoch.
  private reuse: TokenSplit['tokens'] | undefined;

  constructor(private readonly split: TokenSplit, options: RandomBpttOptions = {}) {
    const o = validateOptions('lm-random-bptt batches', randomBpttSchema, options);
    super(o.seed);
    this.o = o;
    const total = tokenCount(split);
    if (Math.floor(total / o.bs) < 2) {
      throw new WordmillError('WM_ERR_OPTION', `lm-random-bptt batches: ${total} tokens cannot fill ${o.bs} columns of 2 tokens; lower "bs"`, { option: 'bs' });
    }
  }

  protected plan(epoch: number): Plan {
    const { bs, seqLen: bptt, shuffle } = this.o;
    const order = shuffle ? new Rng(this.seed, epoch, PURPOSE.docs).permutation(docCount(this.split)) : undefined;
    const stream = concatDocs(this.split, order, this.reuse);
    if (order) this.reuse = stream;
    const nb = Math.floor(stream.length / bs);
    const max = Math.floor(nb / bptt) - 1;
    const rng = new Rng(this.seed, epoch, PURPOSE.lengths);
    const starts: number[] = [];
    const lens: number[] = [];
    let i = 0;
    while (i < nb - 1 && starts.length < max) {
      let len: number;
      if (i === 0) len = bptt + 25;
      else {
        const b = rng.random() < 0.95 ? bptt : bptt / 2;
        len = Math.max(5, Math.trunc(rng.normal(b, 5)));
      }
      len = Math.min(len, nb - 1 - i);
      starts.push(i);
      lens.push(len);
      i += len;
    }
    return { stream, nb, starts, lens };
  }

  protected count(p: Plan): number {
    return p.starts.length;
  }

  protected make(p: Plan, k: number): LMBatchOut {
    return columnBatch(p.stream, p.nb, this.o.bs, p.starts[k], p.lens[k], this.o.sequenceMajor);
  }
}
