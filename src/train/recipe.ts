import { WordmillError } from '../errors.js';
import { validateOptions } from '../options.js';

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

export const recipeSchema = {
  lmEpochs: { type: 'number', default: 1, min: 0, integer: true },
  lmLr: { type: 'number', default: 1e-2, min: 0 },
  bs: { type: 'number', default: 64, min: 1, integer: true },
  bptt: { type: 'number', default: 72, min: 1, integer: true },
  maxLen: { type: 'number', default: 1440, min: 1, integer: true },
  truncate: { type: 'number', default: 0, min: 0, integer: true },
  linFtrs: { type: 'any', default: [50] },
  dropMult: { type: 'number', default: 0.5, min: 0 },
  moms: { type: 'any', default: [0.8, 0.7, 0.8] },
  stages: { type: 'any', default: ULMFIT_STAGES },
} as const;

const bad = (option: string, rule: string, got: unknown): never => {
  throw new WordmillError('WM_ERR_OPTION', `classifier: option "${option}" ${rule} (got ${JSON.stringify(got)})`, { option: `classifier.${option}` });
};

/** The `classifier` section validated, with defaults; unknown keys and malformed stages refused, naming them. */
export function resolveRecipe(given: object = {}): RecipeSpec {
  const o = validateOptions('classifier', recipeSchema, given);
  const isPos = (x: unknown) => typeof x === 'number' && x > 0 && Number.isFinite(x);
  if (!Array.isArray(o.linFtrs) || !o.linFtrs.every((n) => Number.isInteger(n) && n >= 1)) bad('linFtrs', 'must be a list of integers >= 1', o.linFtrs);
  if (!Array.isArray(o.moms) || o.moms.length !== 3 || !o.moms.every((m) => typeof m === 'number' && m >= 0 && m < 1)) bad('moms', 'must be three numbers in [0, 1)', o.moms);
  if (o.maxLen < o.bptt) bad('maxLen', `must be >= bptt (${o.bptt})`, o.maxLen);
  const stages = o.stages as unknown;
  if (!Array.isArray(stages) || stages.length === 0) bad('stages', 'must be a non-empty list of {epochs, lr, freezeTo?}', stages);
  (stages as Record<string, unknown>[]).forEach((s, i) => {
    const where = `stages[${i}]`;
    if (typeof s !== 'object' || s === null) bad(where, 'must be {epochs, lr, freezeTo?}', s);
    for (const k of Object.keys(s)) if (!['epochs', 'lr', 'freezeTo'].includes(k)) bad(`${where}.${k}`, 'is unknown (known: epochs, freezeTo, lr)', s[k]);
    if (!Number.isInteger(s.epochs) || (s.epochs as number) < 1) bad(`${where}.epochs`, 'must be an integer >= 1', s.epochs);
    const lr = s.lr;
    const ok = isPos(lr) || (Array.isArray(lr) && lr.length === 2 && isPos(lr[0]) && isPos(lr[1]) && lr[0] <= lr[1]);
    if (!ok) bad(`${where}.lr`, 'must be a rate > 0 or [lo, hi] with 0 < lo <= hi (fastai\'s slice)', lr);
    if (s.freezeTo !== undefined && !(Number.isInteger(s.freezeTo) && (s.freezeTo as number) < 0)) bad(`${where}.freezeTo`, 'must be a negative integer (-1: the head only) or absent (all)', s.freezeTo);
  });
  return { ...o, linFtrs: o.linFtrs as number[], moms: o.moms as [number, number, number], stages: stages as RecipeStage[] };
}

/** A stage's rate as the trainer takes it: the top rate and, for a slice, the bottom one. */
export const stageRates = (s: RecipeStage): { lr: number; lrLow?: number } =>
  (Array.isArray(s.lr) ? { lr: s.lr[1], lrLow: s.lr[0] } : { lr: s.lr });
