/** A small labelled corpus for classifier tests: class 1 documents carry "good" more often, class 0 "bad". */
import { SortishStream, type TokenSplit } from '../../src/batch/index.js';
import { rng } from '../../src/train/rng.js';
import type { ClsBatch } from '../../src/types.js';

export const CLS_ITOS = ['xxunk', 'xxpad', ...Array.from({ length: 20 }, (_, i) => `w${i}`), 'good', 'bad'];
export const PAD = 1;

/** `n` documents of 5–40 tokens, ~60% class 0 (the majority), seeded. */
export function labelledSplit(n: number, seed: number): TokenSplit & { labels: Int32Array } {
  const r = rng(seed);
  const tokens: number[] = [];
  const docStarts = [0];
  const labels = new Int32Array(n);
  for (let d = 0; d < n; d++) {
    const label = r() < 0.4 ? 1 : 0;
    labels[d] = label;
    const len = 5 + Math.floor(r() * 36);
    for (let t = 0; t < len; t++) {
      const signal = r() < 0.12;
      tokens.push(signal ? (label === 1 ? 22 : 23) : 2 + Math.floor(r() * 20));
    }
    docStarts.push(tokens.length);
  }
  return { tokens: Int32Array.from(tokens), docStarts, labels };
}

export const sortish = (split: TokenSplit, o: { bs: number; shuffle: boolean; seed?: number; bptt?: number }) =>
  new SortishStream(split, { bs: o.bs, shuffle: o.shuffle, seed: o.seed ?? 0, pad: 'chunk', seqLen: o.bptt ?? 8, padId: PAD });

/** One epoch of a sortish stream. */
export function* epochOf(s: SortishStream, epoch: number, start = 0): Generator<ClsBatch> {
  s.resume({ ...s.state(), epoch, batch: start });
  for (const b of s) yield b;
}
