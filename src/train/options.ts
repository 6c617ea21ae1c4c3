import { named, nonNeg, posInt, positive, probability, withDefaults, z } from '../schema/index.js';

const withDefaultsOf = (v: unknown, d: Record<string, unknown>): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? { ...d, ...v } : v);
import { ARCHS } from './models/names.js';

/**
 * The model's options, which are a pipeline spec's `model` section. The default is a model this
 * 2-core, GPU-less machine trains in minutes: a tied 2-layer LSTM. fastai's AWD-LSTM (emb 400,
 * hidden 1152, 3 layers) is `--set model.arch=awd-lstm`; it runs at ~430 tokens/s in PyTorch here,
 * so it is no default for a CPU.
 */
const modelObject = z.strictObject({
  arch: named(ARCHS, 'architecture').default('lstm'),
  emb: posInt.default(200),
  /** Recurrent models only (their defaults, 200 and true, are filled in below). */
  hidden: posInt.optional(),
  layers: posInt.default(2),
  tied: z.boolean().optional(),
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
  /** GPT only: attention heads (must divide emb) and the longest sequence (learned positions). */
  heads: posInt.optional(),
  context: posInt.optional(),
});

/** GPT's own defaults (a small GPT-2: 4 blocks of 4 heads, emb 128, 128 positions, dropout 0.1). */
export const GPT_DEFAULTS = { emb: 128, layers: 4, heads: 4, context: 128, dropout: 0.1 } as const;
/** Keys only the recurrent models read: given for a GPT they would be silently ignored, so they are refused. */
const RECURRENT_ONLY = ['hidden', 'tied', 'dropMult', 'alpha', 'beta', 'adaptive'] as const;
const GPT_ONLY = ['heads', 'context'] as const;

const isGpt = (v: unknown): v is Record<string, unknown> => Boolean(v && typeof v === 'object' && !Array.isArray(v) && (v as { arch?: unknown }).arch === 'gpt');

export const modelSchema = z.preprocess((v, ctx) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const given = v as Record<string, unknown>;
  const gpt = isGpt(v);
  for (const k of gpt ? RECURRENT_ONLY : GPT_ONLY) {
    if (given[k] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [k], input: given[k], message: gpt ? `is not read by arch "gpt" (its output head is always tied; ${RECURRENT_ONLY.join(', ')} are the recurrent models')` : `is read only by arch "gpt" (arch is "${String(given.arch ?? 'lstm')}")` });
    }
  }
  return gpt ? { ...GPT_DEFAULTS, ...given } : { hidden: 200, tied: true, ...given };
}, modelObject).superRefine((m, ctx) => {
  // Refused here, before any download or tokenizing, not when the trainer builds the model.
  if (m.adaptive && m.tied) {
    ctx.addIssue({ code: 'custom', path: ['tied'], message: 'an adaptive softmax cannot be tied to the embedding: set model.tied=false' });
  }
  if (m.arch === 'gpt' && m.heads !== undefined && m.emb % m.heads !== 0) {
    ctx.addIssue({ code: 'custom', path: ['heads'], input: m.heads, message: `must divide model.emb (${m.emb}): each head gets emb/heads dimensions (got ${m.heads})` });
  }
});

export const SCHEDULES = ['one-cycle', 'constant', 'warmup-cosine'] as const;

/** Training options, which are a pipeline spec's `train` section (fastai's fit_one_cycle defaults, Adam). */
export const trainSchema = z.strictObject({
  epochs: posInt.default(1),
  lr: positive.default(3e-3),
  wd: nonNeg.default(0.01),
  schedule: named(SCHEDULES, 'schedule').default('one-cycle'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.99]),
  /** Adam's epsilon (fastai's 1e-5; PyTorch's AdamW uses 1e-8). */
  eps: positive.optional(),
  /** warmup-cosine: the share of training over which lr rises linearly from 0 (then a cosine to 0). */
  warmupPct: probability.optional(),
  /** Gradient norm clipping (absent or 0: none). */
  clip: nonNeg.optional(),
  /** What `run` continues after training, tokenized with the pipeline's own rules. */
  prompt: z.string().optional(),
  generateWords: posInt.optional(),
  /**
   * Start from pretrained weights instead of a random initialisation: `hf:DIR`, a Hugging Face
   * GPT-2 directory (config.json + model.safetensors or pytorch_model.bin, train/hf/). The
   * pipeline loader fills model.layers/heads/emb/context from its config.json.
   */
  init: z.string().regex(/^hf:./, { error: (iss) => `must be "hf:DIR", a Hugging Face GPT-2 directory with config.json and model.safetensors or pytorch_model.bin (got ${JSON.stringify(iss.input)})` }).optional(),
});

/** A pipeline's `model` and `train` sections: fastai's AR (alpha 2, beta 1) and clipping at 0.25 unless set. */
export const modelSpecSchema = z.preprocess((v) => (isGpt(v) ? v : withDefaultsOf(v, { alpha: 2, beta: 1 })), modelSchema);
export const trainSpecSchema = withDefaults(trainSchema, { clip: 0.25 });

export type ModelSpec = z.output<typeof modelSchema>;
export type TrainSpec = z.output<typeof trainSchema>;
