import type { ClsBatch, LMBatch } from '../types.js';

/** What a batcher reads: one split's tokens with document boundaries (a store split or an in-memory one). */
export interface TokenSplit {
  tokens: Uint16Array | Uint32Array | Int32Array;
  /** n + 1 document start offsets; `docStarts[n]` is the end of the last document. */
  docStarts: ArrayLike<number>;
  labels?: Int32Array;
}

/** An LM batch; `layout` is set only for sequence-major (`[seqLen, bs]`) batches. */
export interface LMBatchOut extends LMBatch {
  layout?: 'sequence-major';
}

/** Where a stream is: the next batch to yield is batch `batch` of epoch `epoch`. */
export interface StreamState {
  kind: string;
  seed: number;
  epoch: number;
  batch: number;
}

/**
 * A seeded, resumable batch stream. Iterating yields the rest of the current epoch and then moves to
 * the next epoch; iterate again for the next epoch. `state()` taken between batches and given to
 * `resume()` on a stream built with the same split and options continues exactly where it was.
 */
export interface BatchStream<B> extends Iterable<B> {
  readonly kind: string;
  /** Batches in the current epoch. */
  batchesPerEpoch(): number;
  state(): StreamState;
  resume(state: StreamState): void;
}

export type AnyBatch = LMBatchOut | ClsBatch;
