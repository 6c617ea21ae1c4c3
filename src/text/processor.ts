import type { TextSpec } from '../pipeline/spec.js';
import { validateOptions } from '../options.js';
import { TOKENIZER_NAMES } from './tokenizer.js';
import { applyRules, lowercase, lowercaseWithEos, makeLowercase, replaceSpace, resolveRules, universalNewlines } from './rules/index.js';
import { isPySpace } from './pychars.js';
import { BOS, EOS, SPECIAL_TOKENS } from './special-tokens.js';
import { makeTokenizer } from './make-tokenizer.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';
import { resolveSubwordSpec } from './subword/options.js';

/** What a pool worker calls per document: text in, token strings out. */
export type TextProcessor = (text: string) => string[];

/**
 * Builds the per-document text function from a spec: rules → tokenizer → post-rules. With any rules
 * (fastai's path) the text first gets universal newlines (`\r\n`, lone `\r` → `\n`), because fastai reads
 * files in Python text mode; the nine fastai special tokens become tokenizer special cases (as fastai's
 * SpacyTokenizer registers them) and `replace_space` (fastai's only post-rule) runs on every token.
 * `bos`/`eos` set fastai's `lowercase(add_bos, add_eos)` when a lowercase rule is listed; without one
 * they add the bare `xxbos`/`xxeos` tokens.
 */
const TEXT_SPEC = {
  rules: { type: 'any', default: 'none' },
  tokenizer: { type: 'string', values: TOKENIZER_NAMES },
  bos: { type: 'boolean' },
  eos: { type: 'boolean' },
  subword: { type: 'any' },
  raw: { type: 'boolean' },
} as const;

/** The rules part of a spec, as one function (what the subword trainer reads: the text after the rules). */
export interface TextCleaner {
  clean: (text: string) => string;
  /** Whether fastai's rules run (the tokenizer then gets fastai's special cases and post-rule). */
  fastai: boolean;
  /** Whether a lowercase rule adds xxbos/xxeos itself. */
  lowercased: boolean;
}

export function makeTextCleaner(given: TextSpec): TextCleaner {
  const spec = validateOptions('text', TEXT_SPEC, given) as TextSpec;
  const raw = spec.raw ?? spec.tokenizer === 'gpt2';
  let rules = raw ? [] : resolveRules(spec.rules);
  const fastai = rules.length > 0;
  const lower = rules.find((r) => r === lowercase || r === lowercaseWithEos);
  if (lower && (spec.bos !== undefined || spec.eos !== undefined)) {
    const configured = makeLowercase(spec.bos ?? true, spec.eos ?? lower === lowercaseWithEos);
    rules = rules.map((r) => (r === lower ? configured : r));
  }
  return { clean: (text) => applyRules(fastai ? universalNewlines(text) : text, rules), fastai, lowercased: lower !== undefined };
}

export function makeTextProcessor(given: TextSpec): TextProcessor {
  const spec = validateOptions('text', TEXT_SPEC, given) as TextSpec;
  const { clean, fastai, lowercased } = makeTextCleaner(spec);
  const subword = spec.tokenizer === 'subword' ? resolveSubwordSpec(spec.subword) : undefined;
  const tokenizer = makeTokenizer(spec.tokenizer, { subwordModel: subword?.model });
  const addBos = !lowercased && spec.bos === true;
  // A tokenizer with its own end-of-text token (gpt2) puts it after every document unless eos: false.
  const eosToken = tokenizer.endOfText ?? EOS;
  const addEos = !lowercased && (spec.eos ?? tokenizer.endOfText !== undefined);
  if (fastai && tokenizer instanceof SpacyEnglishTokenizer) {
    for (const t of SPECIAL_TOKENS) tokenizer.addSpecialCase(t, [t]);
  }
  return (text: string): string[] => {
    const tokens = tokenizer.tokenize(clean(text));
    // Only whitespace tokens can hold a ' ' (chunks split at whitespace), so test the first char first.
    if (fastai && !tokenizer.vocab) for (let i = 0; i < tokens.length; i++) if (isPySpace(tokens[i].charCodeAt(0))) tokens[i] = replaceSpace(tokens[i]);
    if (addBos) tokens.unshift(BOS);
    if (addEos) tokens.push(eosToken);
    return tokens;
  };
}
