/** The text stage: fastai's rules, spaCy-compatible and simple tokenizers, and the per-document processor. */
export type { Tokenizer, TokenSpan, TokenizerName } from './tokenizer.js';
export { TOKENIZER_NAMES } from './tokenizer.js';
export { SpacyEnglishTokenizer, type SpacyTokenizerOptions } from './spacy/tokenizer.js';
export { WhitespaceTokenizer, CharTokenizer, BasicEnglishTokenizer } from './simple-tokenizers.js';
export { makeTokenizer } from './make-tokenizer.js';
export { makeTextProcessor, makeTextCleaner, type TextProcessor, type TextCleaner } from './processor.js';
export { textSchema, RULE_SETS, type TextSpec, type TextOptions } from './options.js';
export { SPECIAL_TOKENS, UNK, PAD, BOS, EOS, FLD, TK_REP, TK_WREP, TK_UP, TK_MAJ } from './special-tokens.js';
export {
  fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, lowercase,
  lowercaseWithEos, replaceSpace, fixup, universalNewlines, joinFields, htmlUnescape, d2lTimeMachine,
  defaultRules, RULES, resolveRules, applyRules, type Rule,
} from './rules/index.js';
export { pyLower, pyStrip, pySplit, isPySpace } from './pychars.js';
export { Gpt2Tokenizer, END_OF_TEXT } from './gpt2/tokenizer.js';
export { SubwordTokenizer } from './subword/tokenizer.js';
export { readModel, writeModel, PIECE, type SentencePieceModel, type Piece } from './subword/model-file.js';
export { loadModelFile } from './subword/load.js';
export { tokenizerVocab } from './own-vocab.js';
export type { SubwordSpec } from './subword/options.js';
