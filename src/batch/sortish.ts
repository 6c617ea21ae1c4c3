import { WordmillError } from '../errors.js';
import { validateOptions, z } from '../schema/index.js';
import type { ClsBatch } from '../types.js';
import { EpochStream } from './base.js';
import { docCount } from './concat.js';
import { PURPOSE, Rng } from './rng.js';
import type { TokenSplit } from './types.js';

export const sortishSchema = z.strictObject({
  bs: z.int().min(1).default(64),
  /**
   * Keep at most this many tokens of each document (0 = whole documents, fastai's input). A batch is
   * then at most `bs × maxLen` ids whatever the longest document; without it one 80k-character email
   * makes its batch `bs ×` that document's length.
   */
  maxLen: z.int().min(0).default(0),
  /**
   * Keep the `head` or the `tail` of a truncated document. `tail` keeps the tokens whose outputs
   * fastai's SentenceEncoder keeps (its last `max_len`); what is lost is only the hidden state the
   * dropped start would have left (fastai reads it, then discards its outputs).
   */
  truncate: z.enum(['head', 'tail']).default('head'),
  shuffle: z.boolean().default(false),
  seed: z.int().default(0),
  padId: z.int().min(0).default(1),
  /** `front` (default), `back`, or fastai's `pad_chunk`: padding in whole `seqLen` chunks in front, the remainder behind. */
  pad: z.enum(['front', 'back', 'chunk']).default('front'),
  seqLen: z.int().min(1).default(72),
});

/** Padding of one epoch: `padded` pad ids among `cells` = Σ bs × width over its batches. */
export interface PaddingStats {
  batches: number;
  docs: number;
  tokens: number;
  cells: number;
  padded: number;
  /** padded / cells. */
  ratio: number;
}

export interface SortishOptions {
  bs?: number; maxLen?: number; truncate?: 'head' | 'tail'; shuffle?: boolean; seed?: number;
  padId?: number; pad?: 'front' | 'back' | 'chunk'; seqLen?: number;
}

/**
 * fastai's SortedDL for classification. Training (`shuffle`): a random permutation with the longest
 * document swapped to the front, cut into chunks of `bs*50`, each sorted by length descending, cut into
 * batches; the first batch (holding the longest document, so memory trouble shows at once) and the
 * last stay in place and the batches between are shuffled. Validation: sorted by length descending
 * (stable). Each batch is padded to its longest document with `padId`.
 */
export class SortishStream extends EpochStream<ClsBatch, number[][]> {
  readonly kind = 'sortish';
  private readonly o: z.output<typeof sortishSchema>;
  private readonly lengths: Float64Array;
  private readonly idxMax: number;

  constructor(private readonly split: TokenSplit, options: SortishOptions = {}) {
    const o = validateOptions('sortish batches', sortishSchema, options);
    super(o.seed);
    this.o = o;
    if (!split.labels) throw new WordmillError('WM_ERR_OPTION', 'sortish batches need a labelled split (classification); this split has no labels', { option: 'kind' });
    const n = docCount(split);
    if (n === 0) throw new WordmillError('WM_ERR_OPTION', 'sortish batches: the split has no documents', { option: 'kind' });
    this.lengths = new Float64Array(n);
    let idxMax = 0;
    for (let i = 0; i < n; i++) {
      const l = split.docStarts[i + 1] - split.docStarts[i];
      this.lengths[i] = o.maxLen > 0 ? Math.min(l, o.maxLen) : l;
      if (this.lengths[i] > this.lengths[idxMax]) idxMax = i;
    }
    this.idxMax = idxMax;
  }

  private byLength(a: number, b: number): number {
    return this.lengths[b] - this.lengths[a] || a - b;
  }

  protected plan(epoch: number): number[][] {
    const { bs, shuffle } = this.o;
    const n = this.lengths.length;
    // Python's sorted(..., reverse=True) keeps equal keys in their original order; Array#sort is stable too.
    const sortDesc = (xs: number[]) => xs.sort((a, b) => this.lengths[b] - this.lengths[a]);
    const cut = (xs: number[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, (k + 1) * size));
    if (!shuffle) return cut(Array.from({ length: n }, (_, i) => i).sort((a, b) => this.byLength(a, b)), bs);
    const rng = new Rng(this.seed, epoch, PURPOSE.order);
    const idxs = Array.from(rng.permutation(n));
    const at = idxs.indexOf(this.idxMax);
    [idxs[0], idxs[at]] = [idxs[at], idxs[0]];
    const sorted = cut(idxs, bs * 50).flatMap(sortDesc);
    const batches = cut(sorted, bs);
    if (batches.length <= 2) return batches;
    const middle = batches.slice(1, -1);
    new Rng(this.seed, epoch, PURPOSE.batches).shuffle(middle);
    return [batches[0], ...middle, batches[batches.length - 1]];
  }

  /** Padding of epoch `epoch` (default: the current one) without making its batches. */
  padding(epoch = this.state().epoch): PaddingStats {
    const plan = epoch === this.state().epoch ? this.current() : this.plan(epoch);
    let tokens = 0;
    let cells = 0;
    let docs = 0;
    for (const b of plan) {
      let width = 0;
      for (const d of b) {
        width = Math.max(width, this.lengths[d]);
        tokens += this.lengths[d];
      }
      cells += width * b.length;
      docs += b.length;
    }
    return { batches: plan.length, docs, tokens, cells, padded: cells - tokens, ratio: cells ? (cells - tokens) / cells : 0 };
  }

  protected count(p: number[][]): number {
    return p.length;
  }

  protected make(p: number[][], k: number): ClsBatch {
    const { padId, pad, seqLen, truncate } = this.o;
    const docs = p[k];
    let width = 0;
    for (const d of docs) width = Math.max(width, this.lengths[d]);
    const x = new Int32Array(docs.length * width).fill(padId);
    const lengths = new Int32Array(docs.length);
    const labels = new Int32Array(docs.length);
    const index = Int32Array.from(docs);
    docs.forEach((d, r) => {
      const l = this.lengths[d];
      const s = this.split.docStarts[d];
      const e = this.split.docStarts[d + 1];
      const doc = truncate === 'head' ? this.split.tokens.subarray(s, s + l) : this.split.tokens.subarray(e - l, e);
      const gap = width - l;
      const lead = pad === 'front' ? gap : pad === 'back' ? 0 : Math.floor(gap / seqLen) * seqLen;
      x.set(doc, r * width + lead);
      lengths[r] = l;
      labels[r] = this.split.labels![d];
    });
    return { kind: 'cls', x, lengths, labels, index, bs: docs.length, seqLen: width };
  }
}
