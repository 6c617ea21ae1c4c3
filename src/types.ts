import type { Readable } from 'node:stream';

/** One archive member (or one plain file), streamed; never written to disk unless asked. */
export interface Entry {
  /** Member path inside the archive, `/`-separated, or the file's name for plain files. */
  path: string;
  /** Declared size in bytes, when the container knows it. */
  size?: number;
  body: Readable;
}

/** A document. `id` is stable (`member path#index`), so every error can name the document. */
export interface Doc {
  id: string;
  split: string;
  label?: string;
  text: string;
  /**
   * Set when this is one piece of a document too long to hold whole (DESIGN: bounded memory whatever
   * one document's size): its pieces follow each other, share `id`, and `first`/`last` mark the ends.
   */
  piece?: { first: boolean; last: boolean };
}

/** A language-model batch: `x` and `y` are row-major `[bs, seqLen]`, `y` is `x` shifted by one. */
export interface LMBatch {
  x: Int32Array;
  y: Int32Array;
  bs: number;
  seqLen: number;
}

/**
 * A classification batch: `x` is row-major `[bs, seqLen]` (`seqLen` here is the padded row width),
 * padded with the pad id; `lengths` are the rows' unpadded lengths, `labels` their label ids and
 * `index` each row's document position in its split, so predictions can be put back in input order.
 */
export interface ClsBatch {
  kind: 'cls';
  x: Int32Array;
  lengths: Int32Array;
  labels: Int32Array;
  index: Int32Array;
  bs: number;
  seqLen: number;
}

/** What crosses into the trainer (DESIGN §2): one tagged union, checked and re-packed by kind. */
export type Batch = ({ kind: 'lm' } & LMBatch) | ClsBatch;
