import { WordmillError } from '../errors.js';

/**
 * fastai's freeze_to(n) over layer groups: groups before `n` (negative: counted from the end) get
 * no gradient; `undefined` trains everything. Buffers (BatchNorm statistics) never train.
 */
export function trainableNames(groups: string[][], freezeTo: number | undefined, buffers: ReadonlySet<string>): string[] {
  const n = groups.length;
  if (freezeTo !== undefined && (!Number.isInteger(freezeTo) || Math.abs(freezeTo) > n || freezeTo >= n)) {
    throw new WordmillError('WM_ERR_OPTION', `freezeTo ${freezeTo} is outside the model's ${n} layer groups (use -${n}..${n - 1})`, { option: 'freezeTo' });
  }
  const from = freezeTo === undefined ? 0 : freezeTo < 0 ? n + freezeTo : freezeTo;
  return groups.slice(from).flat().filter((k) => !buffers.has(k));
}

/**
 * fastai's lr_range for `slice(lo, hi)`: even_mults, lo·(hi/lo)^(i/(n−1)) for group i of n, as a
 * multiplier of `hi` per parameter (the schedule scales every group alike). No `lo`: one rate.
 */
export function lrScales(groups: string[][], lo: number | undefined, hi: number): Map<string, number> | undefined {
  if (lo === undefined || groups.length < 2) return undefined;
  if (!(lo > 0) || !(lo <= hi)) throw new WordmillError('WM_ERR_OPTION', `lrLow must be in (0, lr] (got ${lo} with lr ${hi})`, { option: 'lrLow' });
  const n = groups.length;
  const step = Math.pow(hi / lo, 1 / (n - 1));
  const out = new Map<string, number>();
  groups.forEach((g, i) => { const s = (lo * Math.pow(step, i)) / hi; for (const k of g) out.set(k, s); });
  return out;
}
