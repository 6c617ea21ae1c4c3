import { setTimeout as sleep } from 'node:timers/promises';
import { WordmillError } from '../errors.js';

/** Exponential backoff with equal jitter: half the window fixed, half random, so clients spread out. */
export function backoff(attempt: number, minDelay: number, maxDelay: number, random = Math.random): number {
  const window = Math.min(maxDelay, minDelay * 2 ** attempt);
  return window / 2 + random() * (window / 2);
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Network errors (resets, timeouts, refused) and errors marked retryable (408/429/5xx). */
export function isRetryable(e: unknown): boolean {
  if (e instanceof WordmillError) return e.details.retryable === true;
  const name = (e as Error)?.name;
  return name !== 'AbortError';
}

export async function wait(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw aborted(signal);
  }
}

export function aborted(signal: AbortSignal): WordmillError {
  return new WordmillError('WM_ERR_ABORTED', `interrupted${signal.reason ? `: ${String(signal.reason)}` : ''}`);
}
