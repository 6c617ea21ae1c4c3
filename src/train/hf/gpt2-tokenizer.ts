import path from 'node:path';
import { WordmillError } from '../../errors.js';
import { ensureDir, writeFileAtomic } from '../../disk/write.js';
import { gpt2Ranks } from '../../text/gpt2/ranks.js';
import { bytesToText } from '../../text/gpt2/bytes.js';
import { END_OF_TEXT, Gpt2Tokenizer } from '../../text/gpt2/tokenizer.js';

/**
 * GPT-2's tokenizer in the files Hugging Face's GPT2Tokenizer(Fast) loads from a directory: vocab.json
 * (token text → id), merges.txt (the merges in rank order) and tokenizer_config.json /
 * special_tokens_map.json. Derived from the `gpt2` ranks the project's tokenizer ships (js-tiktoken),
 * since this machine cannot download GPT-2's own files.
 */
export const GPT2_TOKENIZER_FILES = ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

/** Whether a checkpoint's vocabulary is the gpt2 tokenizer's, id for id (then its files describe the model's rows). */
export function isGpt2Vocab(vocab: readonly string[]): boolean {
  const own = new Gpt2Tokenizer().vocab;
  return vocab.length === own.length && vocab.every((t, i) => t === own[i]);
}

/**
 * The merge list behind byte-level BPE ranks (the usual tiktoken → Hugging Face conversion): each
 * multi-byte token (GPT-2's ranks from 256 on) of rank r is the merge of the two parts BPE reaches
 * when it may only use merges of lower rank, i.e. from single bytes, repeatedly join the adjacent
 * pair whose joined bytes have the lowest rank below r. Merges come in rank order, as merges.txt
 * lists them; tokens are byte strings as latin1 strings, and so are the parts.
 */
export function mergesOfRanks(tokens: readonly string[]): [string, string][] {
  const rank = new Map<string, number>();
  tokens.forEach((t, r) => rank.set(t, r));
  const merges: [string, string][] = [];
  for (let r = 0; r < tokens.length; r++) {
    const t = tokens[r];
    if (t.length === 1) continue;
    let parts = Array.from(t);
    for (;;) {
      let best = -1, bestRank = r;
      for (let i = 0; i + 1 < parts.length; i++) {
        const k = rank.get(parts[i] + parts[i + 1]);
        if (k !== undefined && k < bestRank) { best = i; bestRank = k; }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    if (parts.length !== 2) {
      throw new WordmillError('WM_ERR_VOCAB', `gpt2 ranks: token ${r} (${JSON.stringify(bytesToText(t))}) is not the merge of two lower-ranked tokens (BPE stops at ${parts.length} parts)`);
    }
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

/** vocab.json's text: one `"token": id` per line, in id order (what the ids mean reads top to bottom). */
function vocabJson(vocab: readonly string[]): string {
  return `{\n${vocab.map((t, id) => `  ${JSON.stringify(t)}: ${id}`).join(',\n')}\n}\n`;
}

/**
 * Writes the four files into `dir` (each atomically) and returns their paths. `context` is the
 * model's n_positions, transformers' model_max_length for it (longer inputs draw its warning).
 * The keys are those transformers' save_pretrained writes for GPT2TokenizerFast; its special
 * tokens are GPT-2's: `<|endoftext|>` is bos, eos and unk, and there is no pad.
 */
export async function saveGpt2Tokenizer(dir: string, context: number): Promise<string[]> {
  const { tokens, special } = gpt2Ranks();
  const vocab = new Gpt2Tokenizer().vocab;
  if (special[END_OF_TEXT] !== vocab.length - 1) throw new WordmillError('WM_ERR_VOCAB', `gpt2 ranks: ${END_OF_TEXT} is not the last id`);
  const merges = mergesOfRanks(tokens).map(([a, b]) => `${bytesToText(a)} ${bytesToText(b)}\n`);
  const specials = { bos_token: END_OF_TEXT, eos_token: END_OF_TEXT, unk_token: END_OF_TEXT };
  const config = {
    add_prefix_space: false, backend: 'tokenizers', ...specials, errors: 'replace',
    model_max_length: context, pad_token: null, tokenizer_class: 'GPT2Tokenizer',
  };
  const contents: Record<(typeof GPT2_TOKENIZER_FILES)[number], string> = {
    'vocab.json': vocabJson(vocab),
    'merges.txt': `#version: 0.2\n${merges.join('')}`,
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
    'special_tokens_map.json': `${JSON.stringify(specials, null, 2)}\n`,
  };
  await ensureDir(dir, 'cannot create the model directory');
  const files: string[] = [];
  for (const name of GPT2_TOKENIZER_FILES) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, contents[name], `cannot write ${name}`);
    files.push(file);
  }
  return files;
}
