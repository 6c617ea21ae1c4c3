import { WordmillError } from '../errors.js';
import { modelConfigOf, readCheckpoint } from './checkpoint.js';
import { initParams, disposeParams, type Params } from './params.js';
import { Stepper } from './stepper.js';
import { beamSearch } from './beam.js';
import type { BaseConfig } from './models/types.js';
import { restoreParams } from './state.js';
import { mix, rng } from './rng.js';
import type { GenerateOptions } from './types.js';
import { hfDirOf, isHfRef, loadHfGpt2 } from './hf/index.js';
import { resolveModel, type TrainerModelSpec } from './config.js';

/**
 * Picks one id from logits: greedy arg-max, or a temperature-scaled draw from the top k. Ids in
 * `banned` are never picked (fastai's predict, no_unk=True: the unknown token gets probability 0;
 * padding likewise), whatever their logit.
 */
export function sampleId(logits: Float32Array, o: { temperature: number; topK: number; greedy: boolean; banned?: ReadonlySet<number> }, r: () => number): number {
  const allowed = (i: number) => !o.banned?.has(i);
  let best = -1;
  for (let i = 0; i < logits.length; i++) if (allowed(i) && (best < 0 || logits[i] > logits[best])) best = i;
  if (best < 0) throw new WordmillError('WM_ERR_OPTION', 'generate: every token of the vocabulary is banned from sampling', { option: 'banned' });
  if (o.greedy || o.temperature <= 0) return best;
  let ids = Array.from(logits.keys()).filter(allowed);
  if (o.topK > 0 && o.topK < ids.length) ids = ids.sort((a, b) => logits[b] - logits[a]).slice(0, o.topK);
  const w = ids.map((i) => Math.exp((logits[i] - logits[best]) / o.temperature));
  const total = w.reduce((a, b) => a + b, 0);
  let u = r() * total;
  for (let k = 0; k < ids.length; k++) { u -= w[k]; if (u <= 0) return ids[k]; }
  return ids[ids.length - 1];
}

/** Continues the prompt `words` tokens, `samples` times (sampled: one row per sample; beams: the best `samples` beams). */
export async function generateJob(o: GenerateOptions): Promise<number[][]> {
  if (isHfRef(o.checkpoint)) return generateFromHf(hfDirOf(o.checkpoint), o);
  const ck = await readCheckpoint(o.checkpoint);
  if (ck.header.kind !== 'lm') throw new WordmillError('WM_ERR_CHECKPOINT', `${o.checkpoint} is a ${ck.header.kind} checkpoint: generate needs a language model (use predict)`, { path: o.checkpoint });
  const c = modelConfigOf(ck.header);
  const params = initParams(c, 0);
  try {
    restoreParams(params, ck.tensors);
    return await generateIds(c, params, o);
  } finally {
    disposeParams(params);
  }
}

/** A Hugging Face GPT-2 directory (`hf:DIR`) as the model, without dropout. */
async function generateFromHf(dir: string, o: GenerateOptions): Promise<number[][]> {
  const m = await loadHfGpt2(dir);
  const c = resolveModel({ arch: 'gpt', layers: m.dims.layers, heads: m.dims.heads, emb: m.dims.emb, context: m.dims.context, dropout: 0 } as TrainerModelSpec, m.dims.vocab);
  const params = initParams(c, 0);
  try {
    restoreParams(params, m.tensors);
    return await generateIds(c, params, o);
  } finally {
    disposeParams(params);
  }
}

/** generateJob on weights in memory. */
export async function generateIds(c: BaseConfig, params: Params, o: Omit<GenerateOptions, 'checkpoint'>): Promise<number[][]> {
  const n = o.samples ?? 1;
  if (o.promptIds.length === 0) throw new WordmillError('WM_ERR_OPTION', 'generate: the prompt is empty (give at least one token)', { option: 'prompt' });
  const bad = o.promptIds.find((i) => !Number.isInteger(i) || i < 0 || i >= c.vocab);
  if (bad !== undefined) throw new WordmillError('WM_ERR_OPTION', `generate: prompt id ${bad} is outside the vocabulary (${c.vocab})`, { option: 'prompt' });
  const banned = new Set(o.banned ?? []);
  if (o.beams !== undefined && o.beams > 0) {
    if (n > o.beams) throw new WordmillError('WM_ERR_OPTION', `generate: ${n} samples from ${o.beams} beams (HF: num_return_sequences <= num_beams); raise --beams or lower --samples`, { option: 'samples' });
    return (await beamSearch(c, params, o.promptIds, o.words, o.beams, banned)).slice(0, n).map((b) => b.ids);
  }
  const settings = { temperature: o.temperature ?? 1, topK: o.topK ?? 0, greedy: o.greedy ?? false, banned };
  const r = rng(mix(o.seed ?? 42, 0x9e37));
  const rows = Array.from({ length: n }, () => [...o.promptIds]);
  const stepper = new Stepper(c, params, n);
  try {
    const v = c.vocab;
    for (let w = 0; w < o.words; w++) {
      const data = await stepper.step(rows);
      rows.forEach((row, b) => row.push(sampleId(data.subarray(b * v, (b + 1) * v), settings, r)));
    }
  } finally {
    stepper.dispose();
  }
  return rows.map((row) => row.slice(o.promptIds.length));
}
