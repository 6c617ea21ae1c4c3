import type { ConfusionMatrix } from './confusion.js';
import type { ClassificationReport } from './scores.js';

const pad = (s: string, w: number) => s.padStart(w);

/** The confusion matrix as text: actual classes down, predicted across (fastai's plot orientation). */
export function formatConfusion(cm: ConfusionMatrix, labels: string[]): string {
  const cells = cm.flat().map(String);
  const w = Math.max(...labels.map((l) => l.length), ...cells.map((c) => c.length), 4);
  const head = `${pad('actual \\ predicted', w + 2)} ${labels.map((l) => pad(l, w)).join(' ')}`;
  const rows = cm.map((row, k) => `${pad(labels[k], w + 2)} ${row.map((v) => pad(String(v), w)).join(' ')}`);
  return [head, ...rows].join('\n');
}

/** Per-class precision, recall, F1 and support, then accuracy and the macro / weighted F1 (sklearn's classification_report). */
export function formatReport(r: ClassificationReport, labels: string[]): string {
  const w = Math.max(12, ...labels.map((l) => l.length));
  const f = (x: number) => pad(x.toFixed(4), 10);
  const lines = [`${pad('', w)} ${pad('precision', 10)} ${pad('recall', 10)} ${pad('f1', 10)} ${pad('support', 9)}`];
  r.perClass.forEach((s, k) => lines.push(`${pad(labels[k], w)} ${f(s.precision)} ${f(s.recall)} ${f(s.f1)} ${pad(String(s.support), 9)}`));
  lines.push('');
  lines.push(`${pad('accuracy', w)} ${pad('', 10)} ${pad('', 10)} ${f(r.accuracy)} ${pad(String(r.total), 9)}`);
  lines.push(`${pad('macro F1', w)} ${pad('', 10)} ${pad('', 10)} ${f(r.macroF1)} ${pad(String(r.total), 9)}`);
  lines.push(`${pad('weighted F1', w)} ${pad('', 10)} ${pad('', 10)} ${f(r.weightedF1)} ${pad(String(r.total), 9)}`);
  return lines.join('\n');
}
