import type { ConfusionMatrix } from './confusion.js';

/** One class's scores; an undefined ratio (0/0) is 0, as sklearn's default `zero_division`. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Documents whose actual class this is. */
  support: number;
}

export interface ClassificationReport {
  perClass: ClassScores[];
  accuracy: number;
  /** Unweighted mean of the per-class F1 (sklearn's `average='macro'`). */
  macroF1: number;
  /** Support-weighted mean F1 (sklearn's `average='weighted'`). */
  weightedF1: number;
  total: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2pr / (p + r), per class of `cm`. */
export function classScores(cm: ConfusionMatrix): ClassScores[] {
  const c = cm.length;
  return cm.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let i = 0; i < c; i++) predicted += cm[i][k];
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
}

export function accuracy(cm: ConfusionMatrix): number {
  let right = 0;
  let total = 0;
  cm.forEach((row, k) => {
    right += row[k];
    for (const v of row) total += v;
  });
  return ratio(right, total);
}

export function report(cm: ConfusionMatrix): ClassificationReport {
  const perClass = classScores(cm);
  const total = perClass.reduce((a, s) => a + s.support, 0);
  return {
    perClass,
    accuracy: accuracy(cm),
    macroF1: perClass.reduce((a, s) => a + s.f1, 0) / perClass.length,
    weightedF1: ratio(perClass.reduce((a, s) => a + s.f1 * s.support, 0), total),
    total,
  };
}
