import { WordmillError } from '../../errors.js';
import type { BaseConfig } from '../models/types.js';
import type { GptConfig } from '../models/gpt.js';
import { loadHfGpt2 } from './index.js';

/**
 * The weights of the Hugging Face GPT-2 in `dir` for a model resolved as `config` over a vocabulary
 * of `vocab` entries (`param/<name>`, as restoreParams takes them). The pipeline loader already
 * filled the model's dimensions from config.json; a library caller whose model differs is refused
 * here, naming both, rather than failing on a tensor shape.
 */
export async function pretrainedGpt2(dir: string, config: BaseConfig, vocab: number): Promise<Map<string, Float32Array>> {
  const m = await loadHfGpt2(dir);
  const c = config as GptConfig;
  const want = { arch: 'gpt', layers: m.dims.layers, heads: m.dims.heads, emb: m.dims.emb, context: m.dims.context, vocab: m.dims.vocab };
  const have = { arch: c.arch, layers: c.layers, heads: c.heads, emb: c.emb, context: c.context, vocab };
  const off = Object.keys(want).filter((k) => want[k as keyof typeof want] !== have[k as keyof typeof have]);
  if (off.length) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${dir} is a GPT-2 with ${off.map((k) => `${k} ${want[k as keyof typeof want]}`).join(', ')}; this model has ${off.map((k) => `${k} ${have[k as keyof typeof have]}`).join(', ')}`, { path: dir });
  }
  return m.tensors;
}
