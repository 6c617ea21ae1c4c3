import type { TrainerModelSpec } from '../src/train/config.js';

/**
 * The trainer benchmark configurations (bench/train.ts runs them against PyTorch, bench/profile.ts
 * profiles one step of each). The GPT is issue 13's small model at Brown's subword vocabulary.
 */
export interface Cfg { vocab: number; model: TrainerModelSpec; bs: number; seq: number; lr: number; zipf?: boolean }
export const CONFIGS: Record<string, Cfg> = {
  T1: { vocab: 30, model: { arch: 'lstm', emb: 64, hidden: 64, layers: 2, tied: true, dropout: 0.5 }, bs: 64, seq: 16, lr: 1e-2 },
  T2: { vocab: 33278, model: { arch: 'lstm', emb: 200, hidden: 200, layers: 1, tied: false, dropout: 0.5 }, bs: 32, seq: 30, lr: 1e-3 },
  // T2 with an adaptive softmax (cutoffs as PyTorch's word-language-model examples use for WikiText-2).
  T2A: { vocab: 33278, model: { arch: 'lstm', emb: 200, hidden: 200, layers: 1, tied: false, dropout: 0.5, adaptive: { cutoffs: [2000, 10000] } }, bs: 32, seq: 30, lr: 1e-3, zipf: true },
  AWD: { vocab: 20056, model: { arch: 'awd-lstm', emb: 400, hidden: 1152, layers: 3, tied: true, dropout: 0 }, bs: 32, seq: 72, lr: 1e-3 },
  // The spam-assassin catalog recipe's language model (pipelines/spam-assassin.json): its LM epoch is half the recipe.
  SPAM: { vocab: 4008, model: { arch: 'awd-lstm', emb: 64, hidden: 64, layers: 1, tied: true, dropout: 0.3, dropMult: 0.5 }, bs: 64, seq: 72, lr: 1e-2 },
  // Issue 13's small GPT (4 layers × 4 heads, emb 128, context 128) at Brown's subword vocabulary.
  GPT: { vocab: 11744, model: { arch: 'gpt', emb: 128, layers: 4, heads: 4, context: 128, dropout: 0 } as TrainerModelSpec, bs: 16, seq: 128, lr: 1e-3 },
  T3: { vocab: 60000, model: { arch: 'awd-lstm', emb: 400, hidden: 1152, layers: 3, tied: true, dropout: 0 }, bs: 64, seq: 72, lr: 1e-3 },
};
