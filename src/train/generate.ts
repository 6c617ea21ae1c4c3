import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../errors.js';
import { modelConfigOf, readCheckpoint } from './checkpoint.js';
import { decode, disposeState, Dropout, forward, initState, type State } from './model.js';
import { initParams, disposeParams } from './params.js';
import { restoreParams } from './state.js';
import { mix, rng } from './rng.js';
import type { GenerateOptions } from './types.js';

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

/** Continues the prompt `words` tokens, `samples` times (one batch row per sample). */
export async function generateJob(o: GenerateOptions): Promise<number[][]> {
  const ck = await readCheckpoint(o.checkpoint);
  if (ck.header.kind !== 'lm') throw new WordmillError('WM_ERR_CHECKPOINT', `${o.checkpoint} is a ${ck.header.kind} checkpoint: generate needs a language model (use predict)`, { path: o.checkpoint });
  const c = modelConfigOf(ck.header);
  const n = o.samples ?? 1;
  if (o.promptIds.length === 0) throw new WordmillError('WM_ERR_OPTION', 'generate: the prompt is empty (give at least one token)', { option: 'prompt' });
  const bad = o.promptIds.find((i) => !Number.isInteger(i) || i < 0 || i >= c.vocab);
  if (bad !== undefined) throw new WordmillError('WM_ERR_OPTION', `generate: prompt id ${bad} is outside the vocabulary (${c.vocab})`, { option: 'prompt' });
  const params = initParams(c, 0);
  restoreParams(params, ck.tensors);
  const settings = { temperature: o.temperature ?? 1, topK: o.topK ?? 0, greedy: o.greedy ?? false, banned: new Set(o.banned ?? []) };
  const r = rng(mix(o.seed ?? 42, 0x9e37));
  const out: number[][] = Array.from({ length: n }, () => []);
  let state: State = initState(c, n);
  const off = new Dropout(false, 0, 0);
  try {
    let feed = o.promptIds;
    for (let w = 0; w < o.words; w++) {
      const seq = feed.length / (w === 0 ? 1 : n);
      const ids = new Int32Array(seq * n);
      for (let t = 0; t < seq; t++) for (let b = 0; b < n; b++) ids[t * n + b] = w === 0 ? feed[t] : feed[b];
      const [logits, next] = tf.tidy(() => {
        const f = forward(c, params, ids, seq, n, state, off);
        const last = tf.slice(f.out, [(seq - 1) * n, 0], [n, -1]) as tf.Tensor2D;
        return [decode(c, params, last), f.state.map((l) => l.map((t) => tf.keep(t)))] as const;
      });
      disposeState(state);
      state = next;
      const data = await logits.data() as Float32Array;
      logits.dispose();
      const v = c.vocab;
      feed = out.map((row, b) => {
        const id = sampleId(data.subarray(b * v, (b + 1) * v), settings, r);
        row.push(id);
        return id;
      });
    }
  } finally {
    disposeState(state);
    disposeParams(params);
  }
  return out;
}
