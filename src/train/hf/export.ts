import { WordmillError } from '../../errors.js';
import { modelConfigOf, readCheckpoint } from '../checkpoint.js';
import type { GptConfig } from '../models/gpt.js';
import { saveHfGpt2 } from './index.js';
import type { Gpt2Dims } from './gpt2-config.js';
import { isGpt2Vocab, saveGpt2Tokenizer } from './gpt2-tokenizer.js';

/** `gpt2Tokenizer`: the vocabulary is the gpt2 tokenizer's, and its files are among `files`. */
export interface HfExport { files: string[]; dims: Gpt2Dims; vocab: string[]; gpt2Tokenizer: boolean }

/**
 * A wordmill language-model checkpoint of arch "gpt" as a Hugging Face GPT-2 directory
 * (config.json + model.safetensors). Only the weights go: the Adam moments and the run's position
 * stay in the checkpoint. The token ids are the run's vocabulary: when it is the gpt2 tokenizer's
 * (text.tokenizer "gpt2"), GPT-2's tokenizer files go too, so GPT2TokenizerFast.from_pretrained(dir)
 * encodes text to the model's rows; with another tokenizer the directory has no tokenizer a
 * transformers user could load, which the caller should say.
 */
export async function exportCheckpointToHf(file: string, dir: string): Promise<HfExport> {
  const ck = await readCheckpoint(file);
  const c = modelConfigOf(ck.header) as unknown as GptConfig;
  if (ck.header.kind !== 'lm' || c.arch !== 'gpt') {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${file} is a ${ck.header.kind} checkpoint of arch ${c.arch}: only a language model of arch "gpt" has GPT-2's layout`, { path: file });
  }
  const dims: Gpt2Dims = { layers: c.layers, heads: c.heads, emb: c.emb, context: c.context, vocab: c.vocab, dropout: c.dropout };
  const eos = ck.header.vocab.indexOf('<|endoftext|>');
  const files = await saveHfGpt2(dir, dims, (k) => ck.tensors.get(`param/${k}`), eos >= 0 ? eos : null);
  const gpt2Tokenizer = isGpt2Vocab(ck.header.vocab);
  if (gpt2Tokenizer) files.push(...await saveGpt2Tokenizer(dir, dims.context));
  return { files, dims, vocab: ck.header.vocab, gpt2Tokenizer };
}
