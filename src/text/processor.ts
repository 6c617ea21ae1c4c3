import { applyRules, universalNewlines } from './rules/index.js';
import type { TextOptions } from './options.js';
import { makeTokenizer } from './make-tokenizer.js';
import { resolveTextSpec } from './resolve.js';
import { buildProcessor, setupText, type TextProcessor, type TextSetup } from './setup.js';

export type { Piece, TextProcessor, IdProcessor, TextSetup } from './setup.js';

/** The rules part of a spec, as one function (what the subword trainer reads: the text after the rules). */
export interface TextCleaner {
  clean: (text: string) => string;
  /** Whether fastai's rules run. */
  fastai: boolean;
}

export function makeTextCleaner(given: TextOptions): TextCleaner {
  // The rules alone: a subword section is the trainer's business (checked there), not the cleaner's.
  const spec = resolveTextSpec(given.tokenizer === 'subword' ? { ...given, tokenizer: 'whitespace', subword: undefined } : given);
  const raw = spec.raw ?? spec.tokenizer === 'gpt2';
  const setup = textSetup({ ...spec, tokenizer: 'whitespace', subword: undefined });
  const rules = raw ? [] : setup.rules(true, true);
  return { clean: (text) => applyRules(rules.length ? universalNewlines(text) : text, rules), fastai: rules.length > 0 };
}

/**
 * Builds the per-document text function from a spec (see buildProcessor): rules → tokenizer →
 * post-rules; the nine fastai special tokens become spaCy special cases, as fastai's
 * SpacyTokenizer registers them. Synchronous: every tokenizer is loaded with this module (a pool
 * worker uses load-processor.ts instead, which loads only the one its spec names).
 */
export function makeTextProcessor(given: TextOptions): TextProcessor {
  return buildProcessor(textSetup(given));
}

/** A spec's rules and tokenizer, the spec checked first (direct callers get no rules unless asked). */
export function textSetup(given: TextOptions): TextSetup {
  const spec = resolveTextSpec(given);
  return setupText(spec, makeTokenizer(spec.tokenizer, { subwordModel: spec.subword?.model }));
}
