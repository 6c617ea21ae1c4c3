import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import { EpochStream } from './base.js';
import { concatDocs, tokenCount } from './concat.js';
import { columnBatch } from './layout.js';
import type { LMBatchOut, TokenSplit } from './types.js';

export const bpttSchema = z.strictObject({
  bs: z.int().min(1).default(64),
  seqLen: z.int().min(1).default(35),
  padId: z.int().min(0).default(1),
  batchFirst: z.boolean().default(false),
  seed: z.int().default(0),
});

export interface BpttOptions { bs?: number; seqLen?: number; padId?: number; batchFirst?: boolean; seed?: number }

interface Plan { stream: TokenSplit['tokens']; rows: number; n: number }

/**
 * torchtext's (legacy) BPTTIterator: the text is padded with `<pad>` up to a multiple of `bs`, laid out
 * as `view(bs, -1).t()` (column c = tokens `[c*rows, (c+1)*rows)`), and batch i covers time steps
 * `[i*bptt, i*bptt + len)` with `len = min(bptt, rows - i*bptt - 1)`; targets are one step later.
 * There are `ceil((total / bs - 1) / bptt)` batches, computed from the unpadded length as torchtext
 * does. Sequence-major `[seqLen, bs]` unless `batchFirst`. No shuffling: torchtext has none here.
 */
export class BpttStream extends EpochStream<LMBatchOut, Plan> {
  readonly kind = 'bptt';
  private readonly o: z.output<typeof bpttSchema>;

  constructor(private readonly split: TokenSplit, options: BpttOptions = {}) {
    const o = validateOptions('bptt batches', bpttSchema, options);
    super(o.seed);
    this.o = o;
    const total = tokenCount(split);
    if (total / o.bs <= 1) throw new WordmillError('WM_ERR_OPTION', `bptt batches: ${total} tokens are too few for ${o.bs} columns; lower "bs"`, { option: 'bs' });
  }

  private padded: Plan | undefined;

  /** Every epoch is the same (no shuffling), so the padded copy is made once, in the split's own dtype. */
  protected plan(): Plan {
    if (this.padded) return this.padded;
    const { bs, padId } = this.o;
    const text = concatDocs(this.split);
    const rows = Math.ceil(text.length / bs);
    const Ctor = text.constructor as new (n: number) => TokenSplit['tokens'];
    const stream = new Ctor(rows * bs).fill(padId);
    stream.set(text);
    this.padded = { stream, rows, n: Math.ceil((text.length / bs - 1) / this.o.seqLen) };
    return this.padded;
  }

  protected count(p: Plan): number {
    return p.n;
  }

  protected make(p: Plan, i: number): LMBatchOut {
    const { bs, seqLen: bptt, batchFirst } = this.o;
    const from = i * bptt;
    return columnBatch(p.stream, p.rows, bs, from, Math.min(bptt, p.rows - from - 1), !batchFirst);
  }
}
