import type { ConfusionMatrix } from './confusion.js';

export interface ConfusionSvgOptions {
  title?: string;
  /** Colour each cell by its share of its actual row (fastai's `normalize=True`) instead of its count. */
  normalize?: boolean;
  /** Cell side in px. */
  cell?: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** White → matplotlib's Blues dark end (#08306b), linearly. */
function blue(t: number): string {
  const lo = [247, 251, 255];
  const hi = [8, 48, 107];
  return `rgb(${lo.map((v, i) => Math.round(v + (hi[i] - v) * t)).join(',')})`;
}

/**
 * The confusion matrix as a standalone SVG, drawn as fastai's `plot_confusion_matrix` draws it:
 * actual classes down the left, predicted across the bottom, a Blues colour scale, each cell's count
 * written in it (white on dark cells).
 */
export function confusionSvg(cm: ConfusionMatrix, labels: string[], opts: ConfusionSvgOptions = {}): string {
  const n = cm.length;
  const cell = opts.cell ?? Math.max(40, Math.min(90, Math.floor(480 / n)));
  const labelW = Math.min(200, 16 + 7 * Math.max(...labels.map((l) => l.length)));
  const top = opts.title ? 40 : 16;
  const left = labelW + 30;
  // Wide enough for the title (≈8.5 px per bold 15 px character).
  const width = Math.max(left + n * cell + 16, Math.ceil((opts.title?.length ?? 0) * 8.5) + 24);
  const height = top + n * cell + labelW + 30;
  const rowSum = cm.map((r) => r.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...cm.flat());
  const shade = (v: number, k: number) => (opts.normalize ? (rowSum[k] ? v / rowSum[k] : 0) : v / max);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (opts.title) out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(opts.title)}</text>`);
  cm.forEach((row, k) => {
    row.forEach((v, j) => {
      const t = shade(v, k);
      const x = left + j * cell;
      const y = top + k * cell;
      const text = opts.normalize ? (rowSum[k] ? (v / rowSum[k]).toFixed(2) : '0') : String(v);
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blue(t)}" stroke="#999" stroke-width="0.5"/>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 5}" text-anchor="middle" fill="${t > 0.5 ? 'white' : 'black'}">${text}</text>`);
    });
    out.push(`<text x="${left - 6}" y="${top + k * cell + cell / 2 + 5}" text-anchor="end">${esc(labels[k])}</text>`);
  });
  labels.forEach((l, j) => {
    const x = left + j * cell + cell / 2;
    const y = top + n * cell + 8;
    out.push(`<text x="${x}" y="${y}" text-anchor="end" transform="rotate(-90 ${x} ${y})" dy="5">${esc(l)}</text>`);
  });
  out.push(`<text x="14" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">Actual</text>`);
  out.push(`<text x="${left + (n * cell) / 2}" y="${height - 8}" text-anchor="middle">Predicted</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
