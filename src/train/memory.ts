import { WordmillError } from '../errors.js';
import type { ModelConfig } from './config.js';
import { paramShapes } from './params.js';
import { modelDef } from './models/index.js';

/** wasm32 addresses at most 4 GiB; tfjs also needs headroom for its own allocations and growth. */
export const WASM_BUDGET = 3.2 * 2 ** 30;
/** A chunked output layer holds about this many logits at once (128 MiB of floats). */
const CHUNK_FLOATS = 2 ** 25;

/**
 * How one training step runs: `microBs` batch rows per forward/backward pass (their gradients are
 * summed before the optimizer step), and `chunkRows` rows of the output layer at a time
 * (undefined: the whole [N, vocab] logits at once).
 */
export interface StepPlan { microBs: number; chunkRows?: number }

/**
 * Rough peak bytes of one training step: weights, their gradient (twice while gradients are clipped
 * or accumulated) and two Adam moments, plus what the model's tape and output layer keep alive for
 * microBs·seq tokens (its activationFloats). Checked against measured peaks in memory.test.ts.
 */
export function estimateBytes(c: ModelConfig, bs: number, seq: number, plan: StepPlan = { microBs: bs }): number {
  const sizes = paramShapes(c).map((p) => p.shape.reduce((x, y) => x * y, 1));
  const params = sizes.reduce((a, n) => a + n, 0);
  const m = Math.min(bs, plan.microBs);
  // Accumulating micro-batches holds the running sum beside each part's gradients; Adam's update
  // of the largest parameter holds a few temporaries of its size.
  const fixed = (m < bs ? 6 : 5) * params + 3 * Math.max(...sizes);
  return 4 * (fixed + modelDef(c.arch).activationFloats(c, m * seq, plan.chunkRows));
}

/**
 * The step plan for a backend: the whole batch when it fits (always, off wasm), else a chunked
 * output layer, then the fewest micro-batches that fit. Fails before training, with the options to
 * reduce, when not even one row fits, instead of the wasm heap's `Aborted()`.
 */
export function planStep(backend: string, c: ModelConfig, bs: number, seq: number): StepPlan {
  const whole = { microBs: bs };
  if (backend !== 'wasm' || estimateBytes(c, bs, seq) <= WASM_BUDGET) return whole;
  const chunkRows = Math.max(1, Math.floor(CHUNK_FLOATS / c.vocab));
  let last = 0;
  for (let k = 1; k <= bs; k++) {
    const microBs = Math.ceil(bs / k);
    if (microBs === last) continue;
    last = microBs;
    const plan = { microBs, chunkRows: chunkRows < microBs * seq ? chunkRows : undefined };
    if (estimateBytes(c, bs, seq, plan) <= WASM_BUDGET) return plan;
  }
  const need = estimateBytes(c, bs, seq, { microBs: 1, chunkRows });
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new WordmillError('WM_ERR_TRAIN',
    `model needs about ${gib(need)} GiB per training step even one batch row at a time, but the wasm backend has ${gib(WASM_BUDGET)} GiB: `
    + `reduce batch.seqLen (${seq}), ${'hidden' in c ? `model.hidden (${Math.max(...c.hidden)})` : `model.emb (${c.emb}), model.layers (${c.layers})`} or the vocabulary `
    + `(vocab.maxVocab, ${c.vocab} tokens), or use --backend tensorflow`,
    { option: 'batch.seqLen', expected: `<= ${gib(WASM_BUDGET)} GiB`, actual: `${gib(need)} GiB` });
}

/** The plan as one line for logs and bench output. */
export function describePlan(p: StepPlan, bs: number): string {
  const parts = Math.ceil(bs / p.microBs);
  return `${parts === 1 ? 'whole batch' : `${parts} micro-batches of ≤ ${p.microBs} rows`}`
    + `${p.chunkRows ? `, output layer in chunks of ${p.chunkRows} rows` : ''}`;
}
