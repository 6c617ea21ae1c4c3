import { DEFAULT_UNICODE } from '../text/unicode/index.js';
import type { BatchSpec, ModelSpec, TextSpec, TrainSpec, VocabSpec } from './spec.js';

/** fastai's text defaults: its rules, spaCy-style English tokens, Python 3.11's Unicode (in the fingerprint through the spec). */
export const DEFAULT_TEXT: TextSpec = { rules: 'fastai', tokenizer: 'spacy-en', unicode: DEFAULT_UNICODE };

/** fastai's `Numericalize` defaults (min_freq 3, max_vocab 60000, specials first, `xxfake` to a multiple of 8). */
export const DEFAULT_VOCAB: VocabSpec = { minFreq: 3, maxVocab: 60000, specials: 'fastai', order: 'count', padMultiple: 8 };

/** fastai's `LMDataLoader` defaults (bs 64, seq_len 72, shuffled training documents). */
export const DEFAULT_BATCH: BatchSpec = { kind: 'lm', bs: 64, seqLen: 72, shuffle: true, seed: 42 };

/**
 * A model this 2-core, GPU-less machine trains in minutes: a tied 2-layer LSTM. fastai's AWD-LSTM
 * (emb 400, hidden 1152, 3 layers) is `--set model.arch=awd-lstm`; it runs at ~430 tokens/s in
 * PyTorch here, so it is no default for a CPU.
 */
export const DEFAULT_MODEL: ModelSpec = { arch: 'lstm', emb: 200, hidden: 200, layers: 2, tied: true, dropout: 0.3, alpha: 2, beta: 1 };

export const DEFAULT_TRAIN: TrainSpec = { epochs: 1, lr: 3e-3, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99], clip: 0.25 };
