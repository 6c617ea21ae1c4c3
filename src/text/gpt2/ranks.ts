import { createRequire } from 'node:module';

/** tiktoken's encoding definition: pre-tokenizer pattern, byte-sequence ranks, special tokens. */
export interface BpeRanks {
  name: string;
  patStr: string;
  /** Byte sequences in rank order, each as a latin1 string (one char per byte): rank = index. */
  tokens: string[];
  special: Record<string, number>;
  nVocab: number;
}

interface Shipped { pat_str: string; special_tokens: Record<string, number>; bpe_ranks: string; explicit_n_vocab?: number }

let gpt2: BpeRanks | undefined;

/**
 * GPT-2's ranks (tiktoken's `gpt2` = `r50k_base`) as js-tiktoken ships them: one or more lines of
 * `<tag> <first rank> <base64 token> …`, ranks consecutive within a line. Read once per thread.
 */
export function gpt2Ranks(): BpeRanks {
  if (gpt2) return gpt2;
  const data = createRequire(import.meta.url)('js-tiktoken/ranks/gpt2') as Shipped;
  const tokens: string[] = [];
  for (const line of data.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    let rank = Number.parseInt(parts[1], 10);
    for (let i = 2; i < parts.length; i++) tokens[rank++] = Buffer.from(parts[i], 'base64').toString('latin1');
  }
  gpt2 = { name: 'gpt2', patStr: data.pat_str, tokens, special: data.special_tokens, nVocab: data.explicit_n_vocab ?? tokens.length + Object.keys(data.special_tokens).length };
  return gpt2;
}
