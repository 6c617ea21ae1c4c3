/** Counts and rates as the progress lines print them (pure, so they are tested without a terminal). */

export const human = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n));

/** `batches` → `batch`, `docs` → `doc`: the unit of one item, for `s/batch`. */
const singular = (unit: string): string => unit.replace(/(ch|sh|x|ss)es$/, '$1').replace(/([^s])s$/, '$1');

/**
 * A rate of `unit` per second. Under 1/s it reads as seconds per item, as tqdm does (`2.5 s/batch`):
 * rounding 0.4/s to a whole number printed `0 batches/s` for a run that was making progress.
 * Under 10/s one decimal is kept, so 1.4/s and 1.6/s do not both read as 2/s.
 */
export function formatRate(perSecond: number, unit: string): string {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return `0 ${unit}/s`;
  if (perSecond < 1) {
    const secs = 1 / perSecond;
    return `${secs >= 100 ? Math.round(secs) : secs.toFixed(1)} s/${singular(unit)}`;
  }
  return `${perSecond < 10 ? perSecond.toFixed(1) : human(perSecond)} ${unit}/s`;
}

/** Bytes (or UTF-16 code units of text) per second: MB/s, or kB/s under 0.1 MB/s instead of `0.0 MB/s`. */
export function formatByteRate(perSecond: number): string {
  return perSecond >= 1e5 ? `${(perSecond / 1e6).toFixed(1)} MB/s` : `${(perSecond / 1e3).toFixed(1)} kB/s`;
}

/**
 * `46/49 batches` while running; once done, the count that was actually processed (`49 batches`):
 * a task's total is what was announced at its start, and a finished line must not show a stale fraction.
 */
export function formatCount(value: number, total: number | undefined, unit: string, done = false): string {
  return `${human(value)}${total && !done ? `/${human(total)}` : ''} ${unit}`;
}
