import { saveHfGpt2 } from '../../src/train/hf/index.js';
import { gpt2Layout } from '../../src/train/hf/gpt2-names.js';
import type { Gpt2Dims } from '../../src/train/hf/gpt2-config.js';
import { normal, rng } from '../../src/train/rng.js';

/**
 * A Hugging Face GPT-2 directory with the gpt2 tokenizer's 50257 ids but tiny blocks (the committed
 * fixture has 1000 ids, which no pipeline's tokenizer numbers), random weights from `seed`,
 * written by wordmill's own writer (the fixture test checks that writer against transformers).
 */
export const TINY_GPT2: Gpt2Dims = { layers: 1, heads: 2, emb: 8, context: 16, vocab: 50257, dropout: 0 };

export async function writeTinyGpt2(dir: string, seed = 7): Promise<Map<string, Float32Array>> {
  const r = rng(seed);
  const weights = new Map<string, Float32Array>();
  for (const { wm, shape } of gpt2Layout(TINY_GPT2)) weights.set(wm, normal(shape.reduce((a, n) => a * n, 1), 0.1, r));
  await saveHfGpt2(dir, TINY_GPT2, (k) => weights.get(k), 50256);
  return weights;
}
