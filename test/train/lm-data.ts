/**
 * Test-only data: fastai's Human Numbers corpus and a tiny fastai-style LM batcher (the stream cut
 * into bs contiguous rows, windows of seqLen, y = x shifted by one; the last window may be shorter).
 */
import type { LMBatch } from '../../src/types.js';

const ONES = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

export function numberWords(n: number): string {
  const parts: string[] = [];
  if (n >= 1000) { parts.push(ONES[Math.floor(n / 1000)], 'thousand'); n %= 1000; }
  if (n >= 100) { parts.push(ONES[Math.floor(n / 100)], 'hundred'); n %= 100; }
  if (n >= 20) { parts.push(TENS[Math.floor(n / 10)]); n %= 10; }
  if (n > 0) parts.push(ONES[n]);
  return parts.join(' ');
}

/** Numbers from..to in words joined with ' . ' and split on spaces, as fastbook does. */
export function humanNumbers(from: number, to: number): string[] {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) lines.push(numberWords(i));
  return lines.join(' . ').split(' ');
}

export function vocabOf(...streams: string[][]): string[] {
  const seen = new Set<string>();
  for (const s of streams) for (const t of s) seen.add(t);
  return [...seen];
}

export const numericalize = (tokens: string[], itos: string[]): Int32Array => {
  const stoi = new Map(itos.map((w, i) => [w, i] as const));
  return Int32Array.from(tokens, (t) => stoi.get(t) ?? 0);
};

export function lmBatchCount(n: number, bs: number, seq: number): number {
  const rowLen = Math.floor((n - 1) / bs);
  return Math.ceil(rowLen / seq);
}

export function* lmBatches(ids: Int32Array, bs: number, seq: number, start = 0): Generator<LMBatch> {
  const rowLen = Math.floor((ids.length - 1) / bs);
  const nb = Math.ceil(rowLen / seq);
  for (let k = start; k < nb; k++) {
    const sl = Math.min(seq, rowLen - k * seq);
    const x = new Int32Array(bs * sl);
    const y = new Int32Array(bs * sl);
    for (let r = 0; r < bs; r++) {
      const off = r * rowLen + k * seq;
      x.set(ids.subarray(off, off + sl), r * sl);
      y.set(ids.subarray(off + 1, off + 1 + sl), r * sl);
    }
    yield { x, y, bs, seqLen: sl };
  }
}

/** The Human Numbers setup of the brief: train 1–7999, valid 8001–9999, one shared vocabulary. */
export function humanNumbersData() {
  const train = humanNumbers(1, 7999);
  const valid = humanNumbers(8001, 9999);
  const itos = vocabOf(train, valid);
  return { itos, train: numericalize(train, itos), valid: numericalize(valid, itos) };
}
