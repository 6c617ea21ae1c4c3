import { WordmillError } from '../errors.js';

/**
 * Re-indexes a pretrained embedding matrix (row-major `[oldItos.length, dim]`) for a new vocabulary,
 * as fastai's `match_embeds`: a row whose token the old vocabulary knows is copied, every other row
 * gets the mean of all pretrained rows (a neutral start that fine-tuning then moves). A decoder bias
 * is remapped the same way with `dim = 1`.
 */
export function remapEmbedding(oldItos: readonly string[], newItos: readonly string[], weights: Float32Array, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 1 || weights.length !== oldItos.length * dim) {
    throw new WordmillError('WM_ERR_VOCAB', `embedding has ${weights.length} values, expected ${oldItos.length} rows × ${dim}`, {
      expected: String(oldItos.length * dim), actual: String(weights.length),
    });
  }
  const mean = new Float64Array(dim);
  for (let r = 0; r < oldItos.length; r++) for (let c = 0; c < dim; c++) mean[c] += weights[r * dim + c];
  if (oldItos.length > 0) for (let c = 0; c < dim; c++) mean[c] /= oldItos.length;
  const old = new Map<string, number>();
  oldItos.forEach((t, i) => { if (!old.has(t)) old.set(t, i); });
  const out = new Float32Array(newItos.length * dim);
  for (let r = 0; r < newItos.length; r++) {
    const o = old.get(newItos[r]);
    if (o !== undefined) out.set(weights.subarray(o * dim, (o + 1) * dim), r * dim);
    else for (let c = 0; c < dim; c++) out[r * dim + c] = mean[c];
  }
  return out;
}
