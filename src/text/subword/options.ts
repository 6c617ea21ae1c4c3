import { validateOptions, z } from '../../schema/index.js';

/**
 * `text.subword`: fastai's `SubwordTokenizer(lang, vocab_sz, model_type, char_coverage)` plus the
 * bounded-memory sampling cap. With `model`, that SentencePiece model encodes (its content is part
 * of the store fingerprint); without it, one is trained on the train split's text after the rules.
 */
export interface SubwordSpec {
  /** A SentencePiece `.model` file. */
  model?: string;
  /** `unigram` (fastai's default) or `bpe`. */
  type?: 'unigram' | 'bpe';
  /** Vocabulary size; fastai's default when omitted: a quarter of the distinct words, rounded up to a multiple of 8, between 29 and `maxVocabSz`. */
  vocabSz?: number;
  maxVocabSz?: number;
  /** fastai: 0.99999 for European languages, 0.9998 otherwise. */
  charCoverage?: number;
  lang?: string;
  /** Training reads at most this many sentences, a uniform reservoir sample (sentencepiece's `input_sentence_size`). */
  maxSentences?: number;
  /** Seed of the sample. */
  seed?: number;
  /** Threads training uses (default: every core). The trained model is the same for any count, so it is not part of any fingerprint. */
  threads?: number;
}

/** Trainer threads: the rule `text.subword.threads` and trainSubword's `threads` share. */
export const trainThreads = z.int().min(1).max(256);

/** fastai's `eu_langs`: character coverage 0.99999 for these, 0.9998 for the rest. */
export const EU_LANGS = ['bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu', 'it', 'lt', 'lv', 'mt', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv'];

export const SUBWORD_SCHEMA = z.strictObject({
  model: z.string().optional(),
  type: z.enum(['unigram', 'bpe']).default('unigram'),
  vocabSz: z.number().int().min(10).max(1_000_000).optional(),
  maxVocabSz: z.number().int().min(29).default(30000),
  charCoverage: z.number().min(0.5).max(1).optional(),
  lang: z.string().default('en'),
  maxSentences: z.number().int().min(1).default(1_000_000),
  seed: z.number().int().min(0).default(42),
  threads: trainThreads.optional(),
});

export type ResolvedSubwordSpec = Required<Omit<SubwordSpec, 'model' | 'vocabSz' | 'threads'>> & Pick<SubwordSpec, 'model' | 'vocabSz' | 'threads'>;

export function resolveSubwordSpec(given: SubwordSpec | undefined): ResolvedSubwordSpec {
  const o = validateOptions('text.subword', SUBWORD_SCHEMA, given ?? {});
  return { ...o, charCoverage: o.charCoverage ?? (EU_LANGS.includes(o.lang) ? 0.99999 : 0.9998) } as ResolvedSubwordSpec;
}
