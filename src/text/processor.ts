import { validateOptions } from '../schema/index.js';
import { textSchema, type TextOptions } from './options.js';
import { applyRules, lowercase, lowercaseWithEos, makeLowercase, replaceSpace, resolveRules, universalNewlines } from './rules/index.js';
import { isPySpace } from './pychars.js';
import { BOS, EOS, SPECIAL_TOKENS } from './special-tokens.js';
import { makeTokenizer } from './make-tokenizer.js';
import { SpacyEnglishTokenizer } from './spacy/tokenizer.js';

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
export function makeTextProcessor(given: TextOptions): TextProcessor {
  // Called directly, no rules unless asked; a pipeline spec's `text` section defaults to fastai's.
  const spec = validateOptions('text', textSchema, { rules: 'none', ...given });
  let rules = resolveRules(spec.rules);
  const tokenizer = makeTokenizer(spec.tokenizer);
  const fastai = rules.length > 0;
  const lower = rules.find((r) => r === lowercase || r === lowercaseWithEos);
  if (lower && (spec.bos !== undefined || spec.eos !== undefined)) {
    const configured = makeLowercase(spec.bos ?? true, spec.eos ?? lower === lowercaseWithEos);
    rules = rules.map((r) => (r === lower ? configured : r));
  }
  const addBos = !lower && spec.bos === true;
  const addEos = !lower && spec.eos === true;
  if (fastai && tokenizer instanceof SpacyEnglishTokenizer) {
    for (const t of SPECIAL_TOKENS) tokenizer.addSpecialCase(t, [t]);
  }
  return (text: string): string[] => {
    const tokens = tokenizer.tokenize(applyRules(fastai ? universalNewlines(text) : text, rules));
    // Only whitespace tokens can hold a ' ' (chunks split at whitespace), so test the first char first.
    if (fastai) for (let i = 0; i < tokens.length; i++) if (isPySpace(tokens[i].charCodeAt(0))) tokens[i] = replaceSpace(tokens[i]);
    if (addBos) tokens.unshift(BOS);
    if (addEos) tokens.push(EOS);
    return tokens;
  };
}
