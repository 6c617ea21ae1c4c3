import type { TokenSplit } from '../batch/index.js';
import type { TokenStore } from '../store/index.js';

/** Every split's documents as one split: the language model fine-tunes on all of the corpus's text (ULMFiT). */
export function allText(store: TokenStore): TokenSplit {
  const parts = store.splits.map((s) => store.split(s));
  const Arr = store.meta.idWidth === 16 ? Uint16Array : Uint32Array;
  const tokens = new Arr(parts.reduce((n, p) => n + p.nTokens, 0));
  const starts = [0];
  let o = 0;
  for (const p of parts) {
    tokens.set(p.tokens, o);
    for (let d = 1; d < p.docStarts.length; d++) starts.push(o + p.docStarts[d]);
    o += p.nTokens;
  }
  return { tokens, docStarts: Float64Array.from(starts) };
}

/**
 * Each document cut to `n` tokens from its `keep` end, as the classifier's sortish stream cuts it
 * (0: unchanged). With a truncating recipe the language model then fine-tunes on the text the
 * classifier reads, not on the rest (for a long mail, its start or end) that the classifier never
 * sees — and an LM epoch costs what the classifier's truncation saves.
 */
export function keptText(split: TokenSplit, n: number, keep: 'head' | 'tail'): TokenSplit {
  if (n <= 0) return split;
  const docs = split.docStarts.length - 1;
  const starts = new Float64Array(docs + 1);
  for (let d = 0; d < docs; d++) starts[d + 1] = starts[d] + Math.min(n, split.docStarts[d + 1] - split.docStarts[d]);
  const tokens = new (split.tokens.constructor as Uint16ArrayConstructor)(starts[docs]);
  for (let d = 0; d < docs; d++) {
    const s = split.docStarts[d];
    const e = split.docStarts[d + 1];
    const l = starts[d + 1] - starts[d];
    tokens.set(split.tokens.subarray(keep === 'head' ? s : e - l, keep === 'head' ? s + l : e), starts[d]);
  }
  return { tokens, docStarts: starts, ...(split.labels ? { labels: split.labels } : {}) };
}
