import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import { EpochStream } from './base.js';
import { concatDocs } from './concat.js';
import { windows } from './layout.js';
import { PURPOSE, Rng } from './rng.js';
import type { LMBatchOut, TokenSplit } from './types.js';

export const d2lSchema = z.strictObject({
  bs: z.int().min(1).default(32),
  seqLen: z.int().min(1).default(35),
  seed: z.int().default(0),
});

export interface D2lOptions { bs?: number; seqLen?: number; seed?: number }

/** One epoch of a d2l iterator: the random offset drawn and the subsequence start of every (batch, row). */
export interface D2lPlan { offset: number; starts: number[][] }

abstract class D2lStream extends EpochStream<LMBatchOut, D2lPlan> {
  protected readonly o: z.output<typeof d2lSchema>;
  protected readonly corpus: TokenSplit['tokens'];

  constructor(kind: string, split: TokenSplit, options: D2lOptions) {
    const o = validateOptions(`${kind} batches`, d2lSchema, options);
    super(o.seed);
    this.o = o;
    this.corpus = concatDocs(split);
    if (this.corpus.length < o.seqLen + 1 + o.seqLen) {
      throw new WordmillError('WM_ERR_OPTION', `${kind} batches: ${this.corpus.length} tokens are too few for steps of ${o.seqLen}; lower "seqLen"`, { option: 'seqLen' });
    }
  }

  /** The epoch's plan (offset and subsequence starts), for tests and `inspect`. */
  epochPlan(epoch: number): D2lPlan {
    return this.plan(epoch);
  }

  protected count(p: D2lPlan): number {
    return p.starts.length;
  }

  protected make(p: D2lPlan, i: number): LMBatchOut {
    const n = this.o.seqLen;
    const rows = p.starts[i];
    const { x, y } = windows(this.corpus, rows.length, n, (r) => rows[r]);
    return { x, y, bs: rows.length, seqLen: n };
  }
}

/**
 * d2l's `seq_data_iter_random`: drop a random offset in `[0, numSteps - 1]`, cut the rest into
 * `(len - 1) // numSteps` subsequences, shuffle their starts, and take `bs` of them per batch
 * (`num_subseqs // bs` batches). Adjacent batches are not contiguous.
 */
export class D2lRandomStream extends D2lStream {
  readonly kind = 'd2l-random';

  constructor(split: TokenSplit, options: D2lOptions = {}) {
    super('d2l-random', split, options);
  }

  protected plan(epoch: number): D2lPlan {
    const { bs, seqLen: n } = this.o;
    const rng = new Rng(this.seed, epoch, PURPOSE.offset);
    const offset = rng.randint(0, n - 1);
    const subseqs = Math.floor((this.corpus.length - offset - 1) / n);
    const initial = Array.from({ length: subseqs }, (_, k) => offset + k * n);
    rng.shuffle(initial);
    const starts: number[][] = [];
    for (let b = 0; b + 1 <= Math.floor(subseqs / bs); b++) starts.push(initial.slice(b * bs, (b + 1) * bs));
    return { offset, starts };
  }
}

/**
 * d2l's `seq_data_iter_sequential`: drop a random offset in `[0, numSteps]` (inclusive, as d2l's
 * `random.randint(0, num_steps)`), keep `((len - offset - 1) // bs) * bs` tokens as `bs` rows, and
 * walk them in windows of `numSteps`: row r of batch k+1 continues row r of batch k.
 */
export class D2lSequentialStream extends D2lStream {
  readonly kind = 'd2l-sequential';

  constructor(split: TokenSplit, options: D2lOptions = {}) {
    super('d2l-sequential', split, options);
  }

  protected plan(epoch: number): D2lPlan {
    const { bs, seqLen: n } = this.o;
    const offset = new Rng(this.seed, epoch, PURPOSE.offset).randint(0, n);
    const numTokens = Math.floor((this.corpus.length - offset - 1) / bs) * bs;
    const width = numTokens / bs;
    const starts: number[][] = [];
    for (let b = 0; b < Math.floor(width / n); b++) starts.push(Array.from({ length: bs }, (_, r) => offset + r * width + b * n));
    return { offset, starts };
  }
}
