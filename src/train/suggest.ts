/**
 * fastai's learning-rate suggestion functions (fastai/callback/schedule.py: valley, slide, minimum,
 * steep), each a pure function of the recorded (lr, smoothed loss) points, as fastai applies them to
 * the trimmed series. Where fastai would index out of range (fewer points than `slide`'s window, a
 * two-point valley whose start is -1) the index is clamped instead of wrapping or raising.
 */

export interface LrPoint { lr: number; loss: number }
export type SuggestMethod = 'valley' | 'steep' | 'minimum' | 'slide';
export const SUGGEST_METHODS: readonly SuggestMethod[] = ['valley', 'steep', 'minimum', 'slide'];

/** The middle-to-late part (2/3 in) of the longest strictly descending run (LIS-like DP over losses). */
export function valley(pts: LrPoint[]): number {
  const n = pts.length;
  if (n === 0) return NaN;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0, maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (pts[i].loss < pts[j].loss && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) { maxEnd = i; maxStart = maxEnd - lds[maxEnd]; }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  return pts[Math.min(n - 1, Math.max(0, idx))].lr;
}

/** The lr at the left end of the steepest descending segment of loss against log(lr). */
export function steep(pts: LrPoint[]): number {
  if (pts.length < 2) return pts.length ? pts[0].lr : NaN;
  let best = 0, bestGrad = Infinity;
  for (let i = 0; i + 1 < pts.length; i++) {
    const g = (pts[i + 1].loss - pts[i].loss) / (Math.log(pts[i + 1].lr) - Math.log(pts[i].lr));
    if (g < bestGrad) { bestGrad = g; best = i; }
  }
  return pts[best].lr;
}

/** One tenth of the lr at the lowest loss (the first lowest, as argmin). */
export function minimum(pts: LrPoint[]): number {
  if (pts.length === 0) return NaN;
  let best = 0;
  for (let i = 1; i < pts.length; i++) if (pts[i].loss < pts[best].loss) best = i;
  return pts[best].lr / 10;
}

/** numpy.gradient with unit spacing: one-sided at the ends, central differences inside. */
export function gradient(y: number[]): number[] {
  const n = y.length;
  if (n < 2) return n ? [0] : [];
  return y.map((_, i) => (i === 0 ? y[1] - y[0] : i === n - 1 ? y[n - 1] - y[n - 2] : (y[i + 1] - y[i - 1]) / 2));
}

/**
 * Interval slide rule: slide a window of `lrDiff` points leftwards from the end while the loss
 * gradients at its two ends differ by more than `thresh`; the lr at its left end, times `adjustValue`.
 */
export function slide(pts: LrPoint[], lrDiff = 15, thresh = 0.005, adjustValue = 1): number {
  const n = pts.length;
  if (n === 0) return NaN;
  const grad = gradient(pts.map((p) => p.loss));
  const diff = Math.min(lrDiff, n - 1);
  let r = n - 1, l = r - diff;
  let lr = pts[l].lr;
  while (l >= 0 && Math.abs(grad[r] - grad[l]) > thresh) {
    lr = pts[l].lr;
    r--; l--;
  }
  return lr * adjustValue;
}

const FNS: Record<SuggestMethod, (pts: LrPoint[]) => number> = { valley, steep, minimum, slide };

/**
 * The points the suggestion functions see. fastai slices `[num_it//10 : -5]`: the first tenth (the
 * debiased EMA is still noisy) and the last five (the divergence that stopped the sweep). Five is a
 * fixed count, so at `num_it` 20 it drops a quarter of the sweep — with lr growing exponentially, the
 * last two decades, where a small model's loss actually falls — and every suggestion lands on the
 * flat start. Here the tail is a twentieth of `numIt` (5 at fastai's default 100, 1 at 20), and the
 * whole series is used when trimming would leave fewer than two points.
 */
export function trimmed(points: LrPoint[], numIt: number): LrPoint[] {
  const head = Math.floor(numIt / 10);
  const tail = Math.min(5, Math.round(numIt / 20));
  const pts = points.slice(head, Math.max(head, points.length - tail));
  return pts.length >= 2 ? pts : points;
}

export interface Suggestion { method: SuggestMethod; lr: number }

export function suggest(points: LrPoint[], numIt: number, methods: readonly SuggestMethod[]): Suggestion[] {
  const pts = trimmed(points, numIt);
  return methods.map((method) => ({ method, lr: FNS[method](pts) }));
}
