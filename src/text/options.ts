import { named, z } from '../schema/index.js';
import { RULES } from './rules/index.js';
import { TOKENIZER_NAMES } from './tokenizer.js';

/** Named rule sets; anything else in `rules` is one rule name or a list of them. */
export const RULE_SETS = ['none', 'fastai', 'fastai-wikitext'] as const;
const RULE_NAMES = Object.keys(RULES) as [string, ...string[]];

/**
 * The text stage's options, which are a pipeline spec's `text` section. Defaults are fastai's: its
 * v2 rules and spaCy-style English tokens.
 */
export const textSchema = z.strictObject({
  /** `none`, `fastai` (v2 text_proc_rules), `fastai-wikitext` (v0.7 fixup then fastai), or rule names. */
  rules: z.union([named([...RULE_SETS, ...RULE_NAMES], 'rule set or rule'), z.array(named(RULE_NAMES, 'rule'))]).default('fastai'),
  tokenizer: named(TOKENIZER_NAMES, 'tokenizer').default('spacy-en'),
  /** Prepend `xxbos` (fastai) — implied by the fastai rule set. */
  bos: z.boolean().optional(),
  eos: z.boolean().optional(),
});

export type TextSpec = z.output<typeof textSchema>;
export type TextOptions = z.input<typeof textSchema>;
