import { WordmillError } from '../errors.js';
import type { ModelConfig } from './config.js';
import { paramShapes } from './params.js';
import { modelDef } from './models/index.js';

/** wasm32 addresses at most 4 GiB; tfjs also needs headroom for its own allocations and growth. */
const WASM_BUDGET = 3.2 * 2 ** 30;

/**
 * Rough peak bytes of one training step: weights with their gradient and two Adam moments, and
 * what the model's tape and output layer keep alive for bs·seq tokens (its activationFloats).
 */
export function estimateBytes(c: ModelConfig, bs: number, seq: number): number {
  const params = paramShapes(c).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  return 4 * (4 * params + modelDef(c.arch).activationFloats(c, bs * seq));
}

/** Fails before training with the options to reduce, instead of the wasm heap's `Aborted()`. */
export function checkMemory(backend: string, c: ModelConfig, bs: number, seq: number): void {
  if (backend !== 'wasm') return;
  const need = estimateBytes(c, bs, seq);
  if (need <= WASM_BUDGET) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new WordmillError('WM_ERR_TRAIN',
    `model needs about ${gib(need)} GiB per training step but the wasm backend has ${gib(WASM_BUDGET)} GiB: `
    + `reduce batch.bs (${bs}), batch.seqLen (${seq}), ${'hidden' in c ? `model.hidden (${Math.max(...c.hidden)})` : `model.emb (${c.emb}), model.layers (${c.layers})`} or the vocabulary `
    + `(vocab.maxVocab, ${c.vocab} tokens), or use --backend tensorflow`,
    { option: 'batch.bs', expected: `<= ${gib(WASM_BUDGET)} GiB`, actual: `${gib(need)} GiB` });
}
