import { WordmillError } from '../errors.js';

/** One document of fastai's `plot_top_losses`: what was predicted, what was right, the loss and the probability of the actual class. */
export interface TopLoss {
  /** The document's position in its split (input order). */
  index: number;
  actual: number;
  predicted: number;
  /** Cross-entropy of the document: −ln p(actual). */
  loss: number;
  /** p(predicted). */
  confidence: number;
  /** p(actual). */
  probability: number;
}

/**
 * The `k` documents with the highest loss among the misclassified ones ("most confidently wrong",
 * fastai's ClassificationInterpretation.top_losses restricted to errors), from row-major `[n, c]`
 * probabilities in input order. Ties keep input order.
 */
export function topLosses(probs: ArrayLike<number>, c: number, actual: ArrayLike<number>, k: number): TopLoss[] {
  const n = actual.length;
  if (probs.length !== n * c) throw new WordmillError('WM_ERR_OPTION', `top losses: ${probs.length} probabilities for ${n} documents × ${c} classes`);
  const out: TopLoss[] = [];
  for (let i = 0; i < n; i++) {
    let predicted = 0;
    for (let j = 1; j < c; j++) if (probs[i * c + j] > probs[i * c + predicted]) predicted = j;
    const a = actual[i];
    if (predicted === a) continue;
    const p = probs[i * c + a];
    out.push({ index: i, actual: a, predicted, loss: -Math.log(Math.max(p, Number.MIN_VALUE)), confidence: probs[i * c + predicted], probability: p });
  }
  out.sort((x, y) => y.loss - x.loss || x.index - y.index);
  return out.slice(0, k);
}

/**
 * A text table of top losses as fastai's text `plot_top_losses` shows them (input, target,
 * predicted, probability, loss), each document's text cut to `width` characters and put on one line.
 */
export function formatTopLosses(rows: TopLoss[], labels: string[], textOf: (index: number) => string, width = 80): string {
  const lw = Math.max(9, ...labels.map((l) => l.length));
  const head = `${'doc'.padStart(6)}  ${'actual'.padEnd(lw)}  ${'predicted'.padEnd(lw)}  ${'p(pred)'.padStart(7)}  ${'loss'.padStart(7)}  text`;
  const lines = rows.map((r) => {
    const t = textOf(r.index).replace(/\s+/g, ' ').trim();
    const cut = t.length > width ? `${t.slice(0, width - 1)}…` : t;
    return `${String(r.index).padStart(6)}  ${labels[r.actual].padEnd(lw)}  ${labels[r.predicted].padEnd(lw)}  ${r.confidence.toFixed(4).padStart(7)}  ${r.loss.toFixed(4).padStart(7)}  ${cut}`;
  });
  return [head, ...lines].join('\n');
}
