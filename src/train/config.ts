import type { ModelSpec } from '../pipeline/spec.js';
import { WordmillError } from '../errors.js';
import { modelDef } from './models/index.js';
import type { Purpose } from './models/types.js';
import type { RecurrentConfig } from './models/recurrent.js';
import type { GptConfig } from './models/gpt.js';

export { AWD_DROPS, AWD_CLAS_DROPS } from './models/awd-lstm.js';
export { gateCount, type CellKind } from './models/recurrent.js';

/**
 * A ModelSpec resolved by its model (models/): everything the forward pass needs, stored in
 * checkpoints. Every model's config has `arch` and `vocab`.
 */
export type ModelConfig = RecurrentConfig | GptConfig;

/**
 * Trainer options beyond the pipeline's ModelSpec: an adaptive softmax output layer (PyTorch's
 * AdaptiveLogSoftmaxWithLoss: `cutoffs` are the first ids of each tail cluster, `div` 4).
 */
export interface ModelExtras { adaptive?: { cutoffs: number[]; div?: number } }
export type TrainerModelSpec = ModelSpec & ModelExtras;

/** The spec resolved by the model registered as `spec.arch` (unknown names are refused). */
export function resolveModel(spec: TrainerModelSpec, vocab: number, purpose: Purpose = 'lm'): ModelConfig {
  return modelDef(spec.arch).resolve(spec, vocab, purpose) as unknown as ModelConfig;
}

/** A recurrent model's resolved config (its hidden sizes, cell, dropouts); refuses any other arch. */
export function resolveRecurrent(spec: TrainerModelSpec, vocab: number, purpose: Purpose = 'lm'): RecurrentConfig {
  const c = resolveModel(spec, vocab, purpose);
  if (!('cell' in c)) throw new WordmillError('WM_ERR_OPTION', `model: arch ${c.arch} is not a recurrent model`, { option: 'model.arch' });
  return c;
}
