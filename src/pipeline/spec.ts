import { batchSpecSchema, LM_BATCH_KINDS } from '../batch/options.js';
import { remoteFileSchema } from '../download/options.js';
import { BINARY_POLICIES, memberRuleSchema, splitName, splitsFilled } from '../extract/options.js';
import { SAFE_NAME, SAFE_NAME_RULE } from '../paths.js';
import { named, z } from '../schema/index.js';
import { textSchema } from '../text/options.js';
import { modelSpecSchema, trainSpecSchema } from '../train/options.js';
import { recipeSchema } from '../train/recipe.js';
import { vocabSchema } from '../vocab/options.js';

/**
 * A pipeline spec: one declarative JSON file per corpus in `pipelines/` (DESIGN §3). Each section is
 * its stage's own schema (text/options.ts, vocab/options.ts, batch/options.ts, train/options.ts,
 * download/options.ts, extract/options.ts); this file only combines them and adds the rules that
 * cross sections. Every section but `source` has defaults; any option can be overridden on the
 * command line (`--set vocab.minFreq=1`), and all of it is validated when the spec is loaded.
 */
export const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded'), name: named(['human-numbers'], 'embedded corpus') }),
  z.strictObject({
    kind: z.literal('files'), files: z.array(remoteFileSchema).min(1), members: z.array(memberRuleSchema).min(1),
    /** The default of the rules' `binary`. */
    binary: named(BINARY_POLICIES, 'binary policy').optional(),
  }),
]);

/** The name becomes a directory (runs/<name>/): one safe path segment. */
export const pipelineName = z.string().regex(SAFE_NAME, { error: (iss) => `must be ${SAFE_NAME_RULE} (got ${JSON.stringify(iss.input)})` });

export const pipelineSpecSchema = z.strictObject({
  name: pipelineName,
  description: z.string().optional(),
  /** Citation or home page, shown by `wordmill datasets`. */
  homepage: z.string().optional(),
  source: sourceSchema,
  /** Which splits train and validate; `valid` and `test` only when present (an absent `valid` uses a split named so, if any). */
  splits: z.strictObject({ train: splitName.default('train'), valid: splitName.optional(), test: splitName.optional() }).prefault({}),
  text: textSchema.prefault({}),
  vocab: vocabSchema.prefault({}),
  batch: batchSpecSchema.prefault({}),
  model: modelSpecSchema.prefault({}),
  train: trainSpecSchema.prefault({}),
  /** The ULMFiT recipe for a labelled corpus (train/recipe.ts owns its schema and defaults). */
  classifier: recipeSchema.optional(),
}).superRefine((spec, ctx) => {
  // Each split asked for must be one a member rule fills (the embedded corpus has train and valid).
  const made = spec.source.kind === 'embedded' ? ['train', 'valid'] : splitsFilled(spec.source.members);
  for (const key of ['train', 'valid', 'test'] as const) {
    const split = spec.splits[key];
    if (split !== undefined && !made.includes(split)) {
      ctx.addIssue({ code: 'custom', path: ['splits', key], message: `"${split}" is no member rule's split; the rules fill: ${made.join(', ')}` });
    }
  }
  if (!(LM_BATCH_KINDS as readonly string[]).includes(spec.batch.kind)) {
    ctx.addIssue({ code: 'custom', path: ['batch', 'kind'], message: `"${spec.batch.kind}" yields classifier batches; a language model trains on one of ${LM_BATCH_KINDS.join(', ')}` });
  }
  // Pretrained GPT-2 numbers its inputs by the gpt2 tokenizer's ids (pipeline/hf-init.ts checked
  // config.json's vocab_size against them and filled the model's dimensions from it).
  if (spec.train.init !== undefined) {
    if (spec.model.arch !== 'gpt') {
      ctx.addIssue({ code: 'custom', path: ['model', 'arch'], input: spec.model.arch, message: `must be "gpt" to start from the pretrained GPT-2 train.init names (got "${spec.model.arch}")` });
    }
    if (spec.text.tokenizer !== 'gpt2') {
      ctx.addIssue({ code: 'custom', path: ['text', 'tokenizer'], input: spec.text.tokenizer, message: `must be "gpt2" with train.init ${spec.train.init}: a pretrained GPT-2's embedding rows are the gpt2 tokenizer's ids (got "${spec.text.tokenizer}")` });
    }
  }
  // A GPT has `context` learned positions and carries nothing across batches: a longer row has no
  // position to take, so it is refused here, before any download or training.
  if (spec.model.arch === 'gpt') {
    const context = spec.model.context ?? 0;
    if (spec.batch.seqLen > context) {
      ctx.addIssue({ code: 'custom', path: ['batch', 'seqLen'], input: spec.batch.seqLen, message: `must be <= model.context (${context}) for arch "gpt" (got ${spec.batch.seqLen}): lower batch.seqLen or raise model.context` });
    }
    if (spec.batch.kind === 'lm-random-bptt') {
      ctx.addIssue({ code: 'custom', path: ['batch', 'kind'], input: spec.batch.kind, message: 'draws rows longer than seqLen, which a GPT\'s fixed context cannot take: use batch.kind "lm"' });
    }
  }
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type Source = PipelineSpec['source'];

// The section types are owned by their stages; re-exported for code that reads a whole spec.
export type { BatchSpec } from '../batch/options.js';
export type { RemoteFile } from '../download/options.js';
export type { Column, DocMode, LabelColumn, MemberRule, ValidRule } from '../extract/options.js';
export type { TextSpec } from '../text/options.js';
export type { ModelSpec, TrainSpec } from '../train/options.js';
export type { VocabSpec } from '../vocab/options.js';
