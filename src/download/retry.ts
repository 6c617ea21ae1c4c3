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

/** Errors about the request itself (a bad url, an argument undici refuses): asking again cannot help. */
const PERMANENT = new Set(['ERR_INVALID_URL', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

/** Network errors (resets, timeouts, refused, bodies cut short) and errors marked retryable (408/429/5xx). */
export function isRetryable(e: unknown): boolean {
  if (e instanceof WordmillError) return e.details.retryable === true;
  const err = e as Error & { code?: string };
  return err?.name !== 'AbortError' && !PERMANENT.has(err?.code ?? '');
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

export interface RetryBounds { retries: number; maxAttempts: number; maxRetryTime: number; minDelay: number; maxDelay: number }

/**
 * The one retry policy of a download. Progress means the file got further than any attempt before
 * (a restart from byte 0 that re-reads the same prefix is no progress), so a server that always cuts
 * at the same place, or declares more bytes than it sends, stops after `retries` retries; one whose
 * cuts move on still stops after `maxAttempts` attempts or `maxRetryTime` ms. Delays grow with the
 * retries since the last progress (exponential, equal jitter); a server's Retry-After wins, capped.
 */
export class RetryPolicy {
  private attempts = 0;
  private stalled = 0;
  private best = 0;
  private readonly started: number;
  constructor(private readonly bounds: RetryBounds, private readonly now: () => number = Date.now) {
    // The clock starts with the first attempt: a download waits for its lock before this is made.
    this.started = now();
  }

  /** Counts a failed attempt that reached byte `reached`; the delay before the next, or why to stop. */
  failed(reached: number, retryAfter?: number): { delay: number } | { stop: string } {
    this.attempts++;
    // Failed attempts since the last one that got further: a progressing attempt refills the budget.
    this.stalled = reached > this.best ? 1 : this.stalled + 1;
    this.best = Math.max(this.best, reached);
    const b = this.bounds;
    const tried = `${this.attempts} attempt${this.attempts === 1 ? '' : 's'}`;
    if (this.stalled > b.retries) return { stop: `${tried}, ${this.stalled - 1} retries without new bytes (retries ${b.retries})` };
    if (this.attempts >= b.maxAttempts) return { stop: `${tried} (maxAttempts ${b.maxAttempts})` };
    const elapsed = this.now() - this.started;
    const delay = retryAfter !== undefined ? Math.min(retryAfter, b.maxDelay) : backoff(this.stalled - 1, b.minDelay, b.maxDelay);
    if (elapsed + delay > b.maxRetryTime) return { stop: `${tried} in ${(elapsed / 1000).toFixed(1)} s (maxRetryTime ${b.maxRetryTime} ms)` };
    return { delay };
  }

  /** Where the next attempt stands against both budgets, for the log line. */
  get label(): string {
    return `retry ${this.stalled}/${this.bounds.retries} since the last progress, attempt ${this.attempts + 1}/${this.bounds.maxAttempts}`;
  }
}
