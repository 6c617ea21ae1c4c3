import type { TokenSplit } from './types.js';

type Ids = TokenSplit['tokens'];

/**
 * The split's documents concatenated in `order` (all documents in order when omitted): a subarray when
 * the order is the identity, else one copy made of one `set()` per document — O(tokens) per epoch with
 * no per-token JavaScript. `into` (same type and length) is overwritten instead of allocating.
 */
export function concatDocs(split: TokenSplit, order?: Uint32Array, into?: Ids): Ids {
  const starts = split.docStarts;
  const n = starts.length - 1;
  const from = n >= 0 ? starts[0] : 0;
  const to = n >= 0 ? starts[n] : 0;
  if (!order) return split.tokens.subarray(from, to);
  const Ctor = split.tokens.constructor as new (n: number) => Ids;
  // Reusing last epoch's buffer saves the page faults of a fresh allocation (≈35 ms per 20 MB here).
  const out = into && into.length === to - from && into.constructor === Ctor ? into : new Ctor(to - from);
  let k = 0;
  for (let i = 0; i < order.length; i++) {
    const d = order[i];
    const doc = split.tokens.subarray(starts[d], starts[d + 1]);
    out.set(doc, k);
    k += doc.length;
  }
  return out;
}

export const docCount = (split: TokenSplit): number => Math.max(0, split.docStarts.length - 1);

export const tokenCount = (split: TokenSplit): number =>
  split.docStarts.length ? split.docStarts[split.docStarts.length - 1] - split.docStarts[0] : 0;
