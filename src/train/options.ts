import { named, nonNeg, posInt, positive, probability, withDefaults, z } from '../schema/index.js';
import { ARCHS } from './models/names.js';

/**
 * The model's options, which are a pipeline spec's `model` section. The default is a model this
 * 2-core, GPU-less machine trains in minutes: a tied 2-layer LSTM. fastai's AWD-LSTM (emb 400,
 * hidden 1152, 3 layers) is `--set model.arch=awd-lstm`; it runs at ~430 tokens/s in PyTorch here,
 * so it is no default for a CPU.
 */
export const modelSchema = z.strictObject({
  arch: named(ARCHS, 'architecture').default('lstm'),
  emb: posInt.default(200),
  hidden: posInt.default(200),
  layers: posInt.default(2),
  tied: z.boolean().default(true),
  dropout: probability.default(0.3),
  dropMult: nonNeg.optional(),
  /** Activation regularization (alpha) and temporal AR (beta). */
  alpha: nonNeg.optional(),
  beta: nonNeg.optional(),
  /**
   * An adaptive softmax output layer (PyTorch's AdaptiveLogSoftmaxWithLoss): the head covers ids
   * below `cutoffs[0]`, each tail cluster a range between cutoffs with `emb / div^k` dims. 5–10×
   * faster per step with a large vocabulary (BENCHMARKS.md, Trainer); needs `tied: false`.
   */
  adaptive: z.strictObject({
    cutoffs: z.array(posInt).min(1).refine((c) => c.every((v, i) => i === 0 || v > c[i - 1]), { error: 'must be strictly increasing' }),
    div: z.number().min(1).optional(),
  }).optional(),
}).superRefine((m, ctx) => {
  // Refused here, before any download or tokenizing, not when the trainer builds the model.
  if (m.adaptive && m.tied) {
    ctx.addIssue({ code: 'custom', path: ['tied'], message: 'an adaptive softmax cannot be tied to the embedding: set model.tied=false' });
  }
});

export const SCHEDULES = ['one-cycle', 'constant'] as const;

/** Training options, which are a pipeline spec's `train` section (fastai's fit_one_cycle defaults, Adam). */
export const trainSchema = z.strictObject({
  epochs: posInt.default(1),
  lr: positive.default(3e-3),
  wd: nonNeg.default(0.01),
  schedule: named(SCHEDULES, 'schedule').default('one-cycle'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.99]),
  /** Gradient norm clipping (absent or 0: none). */
  clip: nonNeg.optional(),
  /** What `run` continues after training, tokenized with the pipeline's own rules. */
  prompt: z.string().optional(),
  generateWords: posInt.optional(),
});

/** A pipeline's `model` and `train` sections: fastai's AR (alpha 2, beta 1) and clipping at 0.25 unless set. */
export const modelSpecSchema = withDefaults(modelSchema, { alpha: 2, beta: 1 });
export const trainSpecSchema = withDefaults(trainSchema, { clip: 0.25 });

export type ModelSpec = z.output<typeof modelSchema>;
export type TrainSpec = z.output<typeof trainSchema>;
