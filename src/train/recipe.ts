import { named, nonNeg, nonNegInt, posInt, positive, validateOptions, z } from '../schema/index.js';

/**
 * The ULMFiT recipe's options: the pipeline spec's `classifier` section (this module owns its
 * schema; TensorFlow-free, for the parent). (1) Fine-tune the language model on all the corpus's
 * text for `lmEpochs` at `lmLr` and save its encoder; (2) train the classifier on that encoder in
 * `stages`, each a one-cycle with `freezeTo` (fastai's freeze_to: -1 the head only; absent: all)
 * and `lr` a rate or `[lo, hi]` (fastai's slice(lo, hi), spread over the layer groups).
 */
export interface RecipeStage { epochs: number; lr: number | [number, number]; freezeTo?: number }

export interface RecipeSpec {
  lmEpochs: number;
  lmLr: number;
  bs: number;
  /** fastai's SentenceEncoder: chunks of `bptt` tokens, outputs kept for the last `maxLen`. */
  bptt: number;
  maxLen: number;
  /** Keep only each document's last `truncate` tokens (0: whole documents, as fastai). A speed knob for small machines. */
  truncate: number;
  /**
   * Which end of a truncated document is kept: `tail` (default) the tokens whose outputs fastai's
   * SentenceEncoder pools; `head` the start, which for a mail is its headers.
   */
  keep: 'head' | 'tail';
  linFtrs: number[];
  /** Scales the encoder's dropouts (fastai's text_classifier_learner drop_mult). */
  dropMult: number;
  /** One-cycle momentum (β1) schedule of the classifier stages: start, middle, end. */
  moms: [number, number, number];
  stages: RecipeStage[];
}

const S = 2.6 ** 4;
/** The seed's schedule (fastai's IMDB notebook): head; freeze_to(-2); freeze_to(-3); all. */
export const ULMFIT_STAGES: RecipeStage[] = [
  { epochs: 1, lr: 2e-2, freezeTo: -1 },
  { epochs: 1, lr: [1e-2 / S, 1e-2], freezeTo: -2 },
  { epochs: 2, lr: [5e-3 / S, 5e-3], freezeTo: -3 },
  { epochs: 2, lr: [1e-3 / S, 1e-3] },
];

const momentum = z.number().min(0).lt(1);
const stageSchema = z.strictObject({
  epochs: posInt,
  lr: z.union([positive, z.tuple([positive, positive]).refine(([lo, hi]) => lo <= hi, { error: 'must be [lo, hi] with lo <= hi (fastai\'s slice)' })]),
  freezeTo: z.int().max(-1, { error: 'must be a negative integer (-1: the head only) or absent (all)' }).optional(),
});

/** The section's keys and rules; defaults are applied by resolveRecipe() (the spec keeps what was written). */
const shape = {
  lmEpochs: nonNegInt, lmLr: nonNeg, bs: posInt, bptt: posInt, maxLen: posInt, truncate: nonNegInt, keep: named(['head', 'tail'], 'end to keep'),
  linFtrs: z.array(posInt), dropMult: nonNeg, moms: z.tuple([momentum, momentum, momentum]), stages: z.array(stageSchema).min(1),
};
const DEFAULTS: RecipeSpec = {
  lmEpochs: 1, lmLr: 1e-2, bs: 64, bptt: 72, maxLen: 1440, truncate: 0, keep: 'tail', linFtrs: [50], dropMult: 0.5, moms: [0.8, 0.7, 0.8], stages: ULMFIT_STAGES,
};
const maxLenCheck = (r: { maxLen?: number; bptt?: number }, ctx: z.RefinementCtx) => {
  const bptt = r.bptt ?? DEFAULTS.bptt;
  if ((r.maxLen ?? DEFAULTS.maxLen) < bptt) ctx.addIssue({ code: 'custom', path: ['maxLen'], message: `must be >= bptt (${bptt})` });
};

/** A pipeline spec's `classifier` section as written (every key optional), validated with the spec. */
export const recipeSchema = z.strictObject(shape).partial().superRefine(maxLenCheck);
const sectionSchema = z.strictObject({ classifier: recipeSchema });

/** The `classifier` section validated, with defaults; unknown keys and malformed stages refused, naming them. */
export function resolveRecipe(given: object = {}): RecipeSpec {
  // Checked as the spec's own section, so a refusal names the key as a spec or --set would (`classifier.stages`).
  return { ...DEFAULTS, ...validateOptions('classifier options', sectionSchema, { classifier: given }).classifier } as RecipeSpec;
}

/** A stage's rate as the trainer takes it: the top rate and, for a slice, the bottom one. */
export const stageRates = (s: RecipeStage): { lr: number; lrLow?: number } =>
  (Array.isArray(s.lr) ? { lr: s.lr[1], lrLow: s.lr[0] } : { lr: s.lr });
