/** fastai's SchedCos: cosine interpolation from start to end as pos goes 0 → 1. */
export const cos = (start: number, end: number, pos: number): number =>
  start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

/** fastai's combined_cos: start → middle over the first `pct`, then middle → end. */
function combinedCos(pct: number, start: number, middle: number, end: number, pos: number): number {
  if (pos < pct) return cos(start, middle, pct === 0 ? 1 : pos / pct);
  return cos(middle, end, pct === 1 ? 1 : (pos - pct) / (1 - pct));
}

export interface OneCycle { div: number; divFinal: number; pctStart: number; moms: [number, number, number] }
export const ONE_CYCLE: OneCycle = { div: 25, divFinal: 1e5, pctStart: 0.25, moms: [0.95, 0.85, 0.95] };

/** warmup-cosine's default warm-up share (nanoGPT warms up over 2000 of 600000 iterations; short runs need more). */
export const WARMUP_PCT = 0.1;

/**
 * Hugging Face's get_cosine_schedule_with_warmup (GPT-2 fine-tuning's usual schedule) over
 * progress `pos` in [0, 1]: lr·pos/pct during warm-up, then a half cosine from lr down to 0.
 */
export function warmupCosine(lr: number, pos: number, pct: number): number {
  if (pos < pct) return (lr * pos) / pct;
  const p = pct >= 1 ? 1 : (pos - pct) / (1 - pct);
  return lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)));
}

export interface Hyper { lr: number; beta1: number }

/**
 * Learning rate and β1 at training progress `pos` in [0, 1) (fastai evaluates the schedule before
 * each batch at (epoch + batch/nBatches)/nEpochs). One-cycle: lr/div → lr → lr/divFinal while the
 * momentum cycles inversely; constant: lr and β1 throughout.
 */
export function scheduleAt(kind: 'one-cycle' | 'constant' | 'warmup-cosine', lr: number, beta1: number, pos: number, oc: OneCycle = ONE_CYCLE, warmupPct = WARMUP_PCT): Hyper {
  if (kind === 'constant') return { lr, beta1 };
  if (kind === 'warmup-cosine') return { lr: warmupCosine(lr, pos, warmupPct), beta1 };
  return {
    lr: combinedCos(oc.pctStart, lr / oc.div, lr, lr / oc.divFinal, pos),
    beta1: combinedCos(oc.pctStart, oc.moms[0], oc.moms[1], oc.moms[2], pos),
  };
}
