import { named, nonNegInt, posInt, z } from '../schema/index.js';

export type BatchKind = 'lm' | 'lm-random-bptt' | 'bptt' | 'd2l-random' | 'd2l-sequential' | 'sortish';
export const BATCH_KINDS = ['lm', 'lm-random-bptt', 'bptt', 'd2l-random', 'd2l-sequential', 'sortish'] as const satisfies readonly BatchKind[];
/** Every batch kind but sortish, which yields classifier batches (whole documents), not LM windows. */
export const LM_BATCH_KINDS = BATCH_KINDS.filter((k) => k !== 'sortish');

/**
 * A pipeline spec's `batch` section: the kind and that kind's own options, nothing else (a key the
 * kind does not read is refused, not dropped). Defaults are fastai's LMDataLoader (bs 64, seq_len 72,
 * seed 42; `lm` shuffles training documents); the streams' own option schemas (lm.ts, bptt.ts …)
 * keep each original library's defaults for direct calls.
 */
const bs = posInt.default(64);
const seqLen = posInt.default(72);
const seed = z.int().default(42);
const branch = <K extends BatchKind, S extends z.core.$ZodLooseShape>(kind: K, shape: S) =>
  z.strictObject({ kind: z.literal(kind), ...shape });

const union = z.discriminatedUnion('kind', [
  branch('lm', { bs, seqLen, shuffle: z.boolean().default(true), seed }),
  branch('lm-random-bptt', { bs, seqLen, shuffle: z.boolean().default(false), seed }),
  // torchtext's BPTTIterator has no randomness.
  branch('bptt', { bs, seqLen, seed }),
  branch('d2l-random', { bs, seqLen, seed }),
  branch('d2l-sequential', { bs, seqLen, seed }),
  branch('sortish', {
    bs, seqLen, seed, shuffle: z.boolean().default(true), maxLen: nonNegInt.default(0),
    truncate: named(['head', 'tail'], 'truncation').default('head'), pad: named(['front', 'back', 'chunk'], 'padding').default('front'),
  }),
]);

/** `kind` may be left out: it is then `lm`. */
export const batchSpecSchema = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('kind' in v) ? { kind: 'lm', ...v } : v),
  union,
);

export type BatchSpec = z.output<typeof batchSpecSchema>;
