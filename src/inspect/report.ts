import type { TokenStore } from '../store/reader.js';
import { validateOptions, z } from '../schema/index.js';

export interface SplitReport {
  docs: number;
  tokens: number;
  /** Share of tokens that are the unknown token (0 when the vocabulary has none). */
  unkRate: number;
  length: { min: number; median: number; mean: number; max: number };
  /** Documents per length bucket `[from, to)`; buckets double in width (1, 2, 4, 8 …) because corpus lengths are heavy-tailed. */
  histogram: { from: number; to: number; docs: number }[];
  labels?: Record<string, number>;
}

export interface InspectReport {
  store: string;
  fingerprint: string;
  vocabSize: number;
  idWidth: number;
  /** Vocabulary entries with a count of at least 1 (specials never seen and `xxfake` excluded). */
  seenTypes: number;
  top: { token: string; count: number }[];
  splits: Record<string, SplitReport>;
}

const schema = z.strictObject({ top: z.int().min(0).default(20) });

/** Vocabulary size, top tokens, and per split: documents, tokens, unk rate, length statistics. One pass over each split's tokens. */
export function inspectStore(store: TokenStore, options: { top?: number } = {}): InspectReport {
  const o = validateOptions('inspect', schema, options);
  const { vocab } = store;
  const order = Array.from({ length: vocab.size }, (_, i) => i).filter((i) => vocab.counts[i] > 0);
  order.sort((a, b) => vocab.counts[b] - vocab.counts[a] || a - b);
  const splits: Record<string, SplitReport> = {};
  for (const name of store.splits) splits[name] = splitReport(store, name);
  return {
    store: store.dir,
    fingerprint: store.meta.fingerprint,
    vocabSize: vocab.size,
    idWidth: vocab.idWidth,
    seenTypes: order.length,
    top: order.slice(0, o.top).map((i) => ({ token: vocab.itos[i], count: vocab.counts[i] })),
    splits,
  };
}

function splitReport(store: TokenStore, name: string): SplitReport {
  const s = store.split(name);
  const unk = store.vocab.unk;
  let unks = 0;
  if (unk >= 0) for (let i = 0; i < s.tokens.length; i++) if (s.tokens[i] === unk) unks++;
  const lengths = new Float64Array(s.nDocs);
  for (let d = 0; d < s.nDocs; d++) lengths[d] = s.docStarts[d + 1] - s.docStarts[d];
  lengths.sort();
  const histogram: SplitReport['histogram'] = [];
  if (s.nDocs > 0) {
    let from = 0;
    let to = 1;
    let k = 0;
    while (k < lengths.length) {
      let docs = 0;
      while (k < lengths.length && lengths[k] < to) { docs++; k++; }
      histogram.push({ from, to, docs });
      from = to;
      to *= 2;
    }
  }
  const out: SplitReport = {
    docs: s.nDocs,
    tokens: s.nTokens,
    unkRate: s.nTokens ? unks / s.nTokens : 0,
    length: s.nDocs
      ? { min: lengths[0], median: lengths[Math.floor((s.nDocs - 1) / 2)], mean: s.nTokens / s.nDocs, max: lengths[s.nDocs - 1] }
      : { min: 0, median: 0, mean: 0, max: 0 },
    histogram,
  };
  if (s.labels) {
    const names = store.meta.labels ?? [];
    out.labels = {};
    for (const l of s.labels) out.labels[names[l] ?? String(l)] = (out.labels[names[l] ?? String(l)] ?? 0) + 1;
  }
  return out;
}
