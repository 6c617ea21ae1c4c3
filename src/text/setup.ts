/**
 * Building a spec's text processor from a resolved spec and its tokenizer. Nothing here loads the
 * schema layer or any tokenizer: a pool worker imports this and only the tokenizer its spec names
 * (see load-processor.ts), where importing every tokenizer (spaCy's tables included) and zod was
 * ~100 ms of each worker's start. processor.ts is the synchronous front for everyone else.
 */
import { applyRules, fixHtml, fixup, forUnicode, lowercase, lowercaseWithEos, makeLowercase, replaceAllCaps, replaceMaj, replaceRep, replaceSpace, replaceWrep, resolveRules, rmUselessSpaces, specAddSpaces, universalNewlines, type Rule } from './rules/index.js';
import { isPySpace } from './pychars.js';
import type { ResolvedText } from './resolve.js';
import { BOS, EOS, SPECIAL_TOKENS } from './special-tokens.js';
import type { Tokenizer } from './tokenizer.js';
import { pyUnicode } from './unicode/index.js';

/**
 * One piece of a document too long to process whole: `first` gets the document's start (xxbos),
 * `last` its end (xxeos). Pieces are cut by makeTextCutter, so their tokens laid end to end are the
 * whole document's tokens.
 */
export interface Piece { first: boolean; last: boolean }

/**
 * What a pool worker calls per document (or per piece of one): text in, token strings out. With a
 * tokenizer that numericalizes by itself and can give ids directly (subword), `byId` gives the
 * same tokens as ids into `vocab`, so the worker skips cutting and hashing one string per token.
 */
export type TextProcessor = ((text: string, piece?: Piece) => string[]) & { byId?: IdProcessor };

/** `TextProcessor` as ids: `vocab[ids[i]]` are the tokens, with `before`/`after` (xxbos, xxeos) around them. */
export interface IdProcessor {
  vocab: readonly string[];
  tokens(text: string, piece?: Piece): { ids: Int32Array; before?: string; after?: string };
}

/** A spec's rules (by piece position: only a document's first piece gets xxbos, its last xxeos) and tokenizer. */
export interface TextSetup {
  tokenizer: Tokenizer;
  /** The spec's tokenizer name (what `tokenizer` was made from). */
  name: ResolvedText['tokenizer'];
  fastai: boolean;
  /** Every rule is one makeTextCutter knows to act only near the text it rewrites. */
  local: boolean;
  addBos: boolean;
  addEos: boolean;
  /** What addEos appends: xxeos, or the tokenizer's own end-of-text token (gpt2's <|endoftext|>). */
  eosToken: string;
  rules(first: boolean, last: boolean): Rule[];
}

/** A resolved spec's rules around `tokenizer` (made from `spec.tokenizer`; spaCy's gets fastai's special cases here). */
export function setupText(spec: ResolvedText, tokenizer: Tokenizer): TextSetup {
  // gpt2 saw raw text in pre-training: no rules unless raw: false.
  const raw = spec.raw ?? spec.tokenizer === 'gpt2';
  const base = raw ? [] : resolveRules(spec.rules);
  const unicode = pyUnicode(spec.unicode);
  const bound = forUnicode(base, unicode);
  const fastai = base.length > 0;
  const lower = base.find((r) => r === lowercase || r === lowercaseWithEos);
  const lowerBos = spec.bos ?? true;
  const lowerEos = spec.eos ?? lower === lowercaseWithEos;
  const variants = new Map<string, Rule[]>();
  const rules = (first: boolean, last: boolean): Rule[] => {
    if (!lower) return bound;
    const key = `${first}${last}`;
    let r = variants.get(key);
    if (!r) {
      const configured = makeLowercase(lowerBos && first, lowerEos && last, unicode.lower);
      r = base.map((x, i) => (x === lower ? configured : bound[i]));
      variants.set(key, r);
    }
    return r;
  };
  // fastai's SpacyTokenizer registers its special tokens as special cases.
  if (fastai && spec.tokenizer === 'spacy-en') {
    const spacy = tokenizer as Tokenizer & { addSpecialCase(text: string, tokens: string[]): void };
    for (const t of SPECIAL_TOKENS) spacy.addSpecialCase(t, [t]);
  }
  return {
    tokenizer, name: spec.tokenizer, fastai, rules,
    // A byte-level or subword tokenizer glues a space to the next token: never cut its documents.
    local: !tokenizer.vocab && base.every((r) => LOCAL_RULES.has(r) || r === lower),
    addBos: !lower && spec.bos === true,
    // A tokenizer with its own end-of-text token puts it after every document unless eos: false.
    addEos: !lower && (spec.eos ?? tokenizer.endOfText !== undefined),
    eosToken: tokenizer.endOfText ?? EOS,
  };
}

/**
 * The per-document text function: rules → tokenizer → post-rules. With any rules (fastai's path)
 * the text first gets universal newlines (`\r\n`, lone `\r` → `\n`), because fastai reads files in
 * Python text mode; `replace_space` (fastai's only post-rule) runs on every token. `bos`/`eos` set
 * fastai's `lowercase(add_bos, add_eos)` when a lowercase rule is listed; without one they add the
 * bare `xxbos`/`xxeos` tokens.
 */
export function buildProcessor(setup: TextSetup): TextProcessor {
  const { tokenizer, fastai } = setup;
  const whitespace = setup.name === 'whitespace';
  const cleanText = (text: string, first: boolean, last: boolean): string => {
    const clean = applyRules(fastai ? universalNewlines(text) : text, setup.rules(first, last));
    // A piece that is not the last ends where one ' ' separated it from the next (makeTextCutter
    // cuts only there); the rules may have stripped or kept it: put back exactly one.
    return last ? clean : `${clean.replace(/ +$/, '')} `;
  };
  const proc: TextProcessor = (text: string, piece?: Piece): string[] => {
    const first = piece?.first ?? true;
    const last = piece?.last ?? true;
    const tokens = tokenizer.tokenize(cleanText(text, first, last));
    // fastai's `split(' ')` gives '' after that trailing ' ': the whole text had the next word there.
    if (!last && whitespace && tokens[tokens.length - 1] === '') tokens.pop();
    // Only whitespace tokens can hold a ' ' (chunks split at whitespace), so test the first char first.
    if (fastai && !tokenizer.vocab) for (let i = 0; i < tokens.length; i++) if (isPySpace(tokens[i].charCodeAt(0))) tokens[i] = replaceSpace(tokens[i]);
    if (setup.addBos && first) tokens.unshift(BOS);
    if (setup.addEos && last) tokens.push(setup.eosToken);
    return tokens;
  };
  const { vocab, encodeIds } = tokenizer;
  if (vocab && encodeIds) {
    // The string path above leaves a vocabulary tokenizer's tokens as they are: only xxbos/xxeos join them.
    proc.byId = {
      vocab,
      tokens: (text: string, piece?: Piece) => {
        const first = piece?.first ?? true;
        const last = piece?.last ?? true;
        return {
          ids: encodeIds.call(tokenizer, cleanText(text, first, last)),
          before: setup.addBos && first ? BOS : undefined,
          after: setup.addEos && last ? setup.eosToken : undefined,
        };
      },
    };
  }
  return proc;
}

/** Rules whose effect near a single ' ' between two different words stays on its side (see makeTextCutter). d2l's line join is not one. */
const LOCAL_RULES = new Set<Rule>([fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, lowercase, lowercaseWithEos, fixup, universalNewlines]);
