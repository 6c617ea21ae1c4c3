/**
 * F1 from a confusion matrix (row: true class, column: predicted), as fastai's F1Score reports it:
 * the positive class's (index 1) for two classes, else the macro average over classes.
 */
export function f1Score(confusion: ArrayLike<number>, n: number): number {
  const f1 = (k: number) => {
    let tp = confusion[k * n + k], fp = 0, fn = 0;
    for (let j = 0; j < n; j++) if (j !== k) { fp += confusion[j * n + k]; fn += confusion[k * n + j]; }
    return tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  };
  if (n === 2) return f1(1);
  let s = 0;
  for (let k = 0; k < n; k++) s += f1(k);
  return s / n;
}
