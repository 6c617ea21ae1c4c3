import { WordmillError } from '../errors.js';

/** Rows are actual classes, columns predicted ones (sklearn's and fastai's orientation). */
export type ConfusionMatrix = number[][];

/** Counts of (actual, predicted) pairs over `nClasses` classes; ids outside [0, nClasses) are refused. */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, nClasses: number): ConfusionMatrix {
  if (actual.length !== predicted.length) {
    throw new WordmillError('WM_ERR_OPTION', `confusion matrix: ${actual.length} targets but ${predicted.length} predictions`);
  }
  if (!Number.isInteger(nClasses) || nClasses < 1) throw new WordmillError('WM_ERR_OPTION', `confusion matrix: nClasses must be an integer >= 1 (got ${nClasses})`);
  const cm = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (!(Number.isInteger(a) && a >= 0 && a < nClasses && Number.isInteger(p) && p >= 0 && p < nClasses)) {
      throw new WordmillError('WM_ERR_OPTION', `confusion matrix: row ${i} has class ids ${a} / ${p}, outside [0, ${nClasses})`);
    }
    cm[a][p]++;
  }
  return cm;
}

/** Index of the largest of each row of a row-major `[n, c]` score matrix (first on ties, as argmax). */
export function argmaxRows(scores: ArrayLike<number>, c: number): Int32Array {
  const n = Math.floor(scores.length / c);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (scores[i * c + j] > scores[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}
