import { WordmillError } from '../errors.js';
import type { BaseConfig } from './models/types.js';
import type { Params } from './params.js';
import { logSoftmax, Stepper } from './stepper.js';

export interface Beam { ids: number[]; logProb: number }

/**
 * Beam search as Hugging Face's generate with `num_beams` (no end-of-sequence token, no length
 * penalty that could change the order of equal-length beams): every beam starts as the prompt, but
 * only the first takes part in the first step (HF scores the others −1e9), so the beams are
 * distinct; each step keeps the `beams` best of all beams × vocabulary continuations by summed
 * log-probability. Ties go to the lower (beam, id), so `beams: 1` is exactly greedy decoding.
 * Returns the beams best first.
 */
export async function beamSearch(c: BaseConfig, params: Params, prompt: number[], steps: number, beams: number, banned: ReadonlySet<number> = new Set()): Promise<Beam[]> {
  if (!Number.isInteger(beams) || beams < 1) throw new WordmillError('WM_ERR_OPTION', `generate: beams must be an integer >= 1 (got ${beams})`, { option: 'beams' });
  if (banned.size >= c.vocab) throw new WordmillError('WM_ERR_OPTION', 'generate: every token of the vocabulary is banned from sampling', { option: 'banned' });
  const V = c.vocab;
  const stepper = new Stepper(c, params, beams);
  let rows = Array.from({ length: beams }, () => [...prompt]);
  let scores = Array.from({ length: beams }, (_, b) => (b === 0 ? 0 : -Infinity));
  let parents: number[] | undefined;
  try {
    for (let s = 0; s < steps; s++) {
      const logits = await stepper.step(rows, parents);
      // The best `beams` candidates, kept sorted (best first) in a small array: beams ≪ V.
      const top: { score: number; beam: number; id: number }[] = [];
      for (let b = 0; b < beams; b++) {
        if (scores[b] === -Infinity) continue;
        const lp = logSoftmax(logits.subarray(b * V, (b + 1) * V));
        for (let id = 0; id < V; id++) {
          if (banned.has(id)) continue;
          const score = scores[b] + lp[id];
          if (top.length === beams && score <= top[top.length - 1].score) continue;
          let at = top.length;
          while (at > 0 && score > top[at - 1].score) at--;
          top.splice(at, 0, { score, beam: b, id });
          if (top.length > beams) top.pop();
        }
      }
      // With a vocabulary smaller than the beam count, the missing beams stay dead (−∞).
      while (top.length < beams) top.push({ score: -Infinity, beam: top[0].beam, id: top[0].id });
      parents = top.map((t) => t.beam);
      rows = top.map((t) => [...rows[t.beam], t.id]);
      scores = top.map((t) => t.score);
    }
  } finally {
    stepper.dispose();
  }
  return rows.map((r, b) => ({ ids: r.slice(prompt.length), logProb: scores[b] })).filter((b) => b.logProb > -Infinity);
}

/** Summed log-probability of `continuation` after `prompt` under the model (the quantity beam search maximises). */
export async function sequenceLogProb(c: BaseConfig, params: Params, prompt: number[], continuation: number[]): Promise<number> {
  const stepper = new Stepper(c, params, 1);
  const row = [...prompt];
  let total = 0;
  try {
    for (const id of continuation) {
      total += logSoftmax(await stepper.step([row]))[id];
      row.push(id);
    }
  } finally {
    stepper.dispose();
  }
  return total;
}
