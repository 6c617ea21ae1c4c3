import path from 'node:path';
import { WordmillError, type ErrorCode } from '../errors.js';
import { Gpt2Tokenizer } from '../text/gpt2/tokenizer.js';
import { hfDirOf, isHfRef, readHfDims } from '../train/hf/index.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** wordmill's model keys and the config.json keys they come from. */
const FROM_CONFIG = [['layers', 'n_layer'], ['heads', 'n_head'], ['emb', 'n_embd'], ['context', 'n_positions']] as const;

/**
 * A raw spec whose `train.init` is `hf:DIR`: the model section takes its dimensions from
 * DIR/config.json (before the spec is validated, so that batch.seqLen is checked against the
 * pretrained context) when its arch is "gpt", and DIR becomes absolute (the run's
 * spec.json and the trainer process see the same directory). A dimension the spec sets otherwise,
 * and a vocabulary other than the gpt2 tokenizer's, are refused here, before any download.
 * Dropout stays the spec's choice (config.json's resid_pdrop where the spec has none).
 */
export async function fillFromHf(raw: Record<string, unknown>, where: string, code: ErrorCode): Promise<void> {
  const train = raw.train;
  if (!isRecord(train) || !isHfRef(train.init)) return;
  const model = isRecord(raw.model) ? { ...raw.model } : {};
  // Another arch is refused by the spec's own check (model.arch must be "gpt"), which names it.
  if (model.arch !== 'gpt') return;
  const dir = path.resolve(hfDirOf(train.init));
  const fail = (key: string, why: string): never => { throw new WordmillError(code, `${where}: ${key}: ${why}`, { option: key, path: dir }); };
  const dims = await readHfDims(dir);
  for (const [key, hf] of FROM_CONFIG) {
    if (model[key] !== undefined && model[key] !== dims[key]) {
      fail(`model.${key}`, `${JSON.stringify(model[key])} differs from ${hf} ${dims[key]} in ${path.join(dir, 'config.json')}: leave it out, the pretrained model decides it`);
    }
    model[key] = dims[key];
  }
  model.dropout ??= dims.dropout;
  const ids = new Gpt2Tokenizer().vocab.length;
  if (dims.vocab !== ids) {
    fail('train.init', `${path.join(dir, 'config.json')} has vocab_size ${dims.vocab}, not the gpt2 tokenizer's ${ids} ids: wordmill fine-tunes a pretrained GPT-2 on text.tokenizer "gpt2" only`);
  }
  raw.model = model;
  raw.train = { ...train, init: `hf:${dir}` };
}
