import { WordmillError } from '../errors.js';

/**
 * Puts per-row results of classification batches (probabilities, losses, predictions) back in input
 * order using each batch's `index`, whatever order sortish batching chose (fastai's get_preds
 * returned sorted order for years). Every document must arrive exactly once.
 */
export class InputOrder {
  private readonly out: Float32Array;
  private readonly seen: Uint8Array;
  private filled = 0;

  /** `n` documents, `width` values per document (e.g. the number of classes). */
  constructor(readonly n: number, readonly width = 1) {
    this.out = new Float32Array(n * width);
    this.seen = new Uint8Array(n);
  }

  /** Row r of `values` (row-major `[index.length, width]`) belongs to document `index[r]`. */
  put(index: ArrayLike<number>, values: ArrayLike<number>): void {
    if (values.length !== index.length * this.width) {
      throw new WordmillError('WM_ERR_TRAIN', `input order: ${values.length} values for ${index.length} rows × ${this.width}`);
    }
    for (let r = 0; r < index.length; r++) {
      const d = index[r];
      if (!(Number.isInteger(d) && d >= 0 && d < this.n)) throw new WordmillError('WM_ERR_TRAIN', `input order: row ${r} names document ${d}, outside [0, ${this.n})`);
      if (this.seen[d]) throw new WordmillError('WM_ERR_TRAIN', `input order: document ${d} arrived twice`);
      this.seen[d] = 1;
      this.filled++;
      for (let j = 0; j < this.width; j++) this.out[d * this.width + j] = values[r * this.width + j];
    }
  }

  get complete(): boolean {
    return this.filled === this.n;
  }

  /** The values in input order; refuses while a document is missing (naming the first). */
  result(): Float32Array {
    if (!this.complete) {
      const missing = this.seen.indexOf(0);
      throw new WordmillError('WM_ERR_TRAIN', `input order: ${this.n - this.filled} of ${this.n} documents missing (first: ${missing})`);
    }
    return this.out;
  }
}
