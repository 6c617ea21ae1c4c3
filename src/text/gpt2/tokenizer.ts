import type { Tokenizer } from '../tokenizer.js';
import { BytePairEncoder } from './bpe.js';
import { bytesToText, CHAR_TO_BYTE } from './bytes.js';
import { gpt2Ranks } from './ranks.js';

export const END_OF_TEXT = '<|endoftext|>';

let shared: { bpe: BytePairEncoder; itos: string[] } | undefined;

/** One encoder and token table per thread: building the 50k-entry maps takes ~40 ms. */
function gpt2Tables(): { bpe: BytePairEncoder; itos: string[] } {
  if (!shared) {
    const bpe = new BytePairEncoder(gpt2Ranks());
    const itos = bpe.decoder.map(bytesToText);
    for (const [text, id] of bpe.special) itos[id] = text;
    shared = { bpe, itos };
  }
  return shared;
}

/**
 * GPT-2's tokenizer (tiktoken's `gpt2`, GPT2TokenizerFast): byte-level BPE over raw text. Tokens are
 * GPT-2's token texts (`Ġthe`), and `vocab` is its own id order (50257 entries, `<|endoftext|>` =
 * 50256), so the store numericalizes by the tokenizer's ids instead of counting. A literal
 * `<|endoftext|>` inside a document is ordinary text (tiktoken's `encode_ordinary`): only the
 * pipeline puts the real separator between documents.
 */
export class Gpt2Tokenizer implements Tokenizer {
  readonly name = 'gpt2';
  readonly vocab: readonly string[];
  readonly endOfText: string = END_OF_TEXT;
  private readonly bpe: BytePairEncoder;

  constructor() {
    const t = gpt2Tables();
    this.bpe = t.bpe;
    this.vocab = t.itos;
  }

  encode(text: string, allowSpecial = false): number[] {
    return allowSpecial ? this.bpe.encodeWithSpecial(text) : this.bpe.encodeOrdinary(text);
  }

  tokenize(text: string): string[] {
    const ids = this.bpe.encodeOrdinary(text);
    const itos = this.vocab;
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = itos[ids[i]];
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return this.bpe.decode(ids);
  }

  /** Token texts → text (the inverse of `tokenize`, as GPT2TokenizerFast's `convert_tokens_to_string`). */
  detokenize(tokens: readonly string[]): string {
    const bytes: number[] = [];
    for (const t of tokens) {
      if (t === END_OF_TEXT) { for (const b of Buffer.from(t)) bytes.push(b); continue; }
      for (const ch of t) bytes.push(CHAR_TO_BYTE.get(ch) ?? 0x3f);
    }
    return Buffer.from(bytes).toString('utf8');
  }
}
