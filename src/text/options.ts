import { named, z } from '../schema/index.js';
import { RULES } from './rules/index.js';
import { TOKENIZER_NAMES } from './tokenizer.js';
import { DEFAULT_UNICODE, UNICODE_VERSIONS } from './unicode/index.js';

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
  /**
   * The Unicode version of the Python whose fastai output is matched (its `str.lower()` and `re`
   * `\w`): 9.0 = Python 3.6, 11.0 = 3.7, 12.1 = 3.8, 13.0 = 3.9/3.10, 14.0 = 3.11 (the default, as the
   * shared references), 15.0 = 3.12, 15.1 = 3.13. Part of the store fingerprint, as the
   * whole text spec is.
   */
  unicode: named(UNICODE_VERSIONS, 'Unicode version').default(DEFAULT_UNICODE),
  /** `subword`'s SentencePiece model, given or trained (checked by text/subword/options.ts). */
  subword: z.any().optional(),
  /** Skip the rules (gpt2's default: it saw raw text). */
  raw: z.boolean().optional(),
});

/** A validated `text` section; `unicode` may be left out by direct callers (the default then). */
export type TextSpec = Omit<z.output<typeof textSchema>, 'unicode'> & Partial<Pick<z.output<typeof textSchema>, 'unicode'>>;
export type TextOptions = z.input<typeof textSchema>;
