import type { PruneReply } from './protocol.js';
import { seedPieces } from './seeds.js';
import type { LivePieces } from './shard.js';
import { startTeam } from './team.js';
import { cmpCodePoints, type WordCounts } from './sentences.js';

export interface UnigramOptions {
  /** Pieces to find, meta pieces excluded (sentencepiece: vocab_size - meta pieces). */
  pieces: number;
  /** vocab_size, meta pieces included: EM stops at 1.1 × this. */
  vocabSize: number;
  maxPieceLength: number;
  seedSize: number;
  shrinkingFactor: number;
  subIterations: number;
  /** Threads for the passes over every word (1: this thread only). */
  threads: number;
  /** The worker module (tests substitute a faulty one). */
  workerFile?: string | URL;
  chunkChars?: number;
  /** Progress, one line per EM round. */
  log?: (line: string) => void;
}

/** sentencepiece's Digamma (asymptotic series after shifting x above 7). */
export function digamma(x: number): number {
  let r = 0;
  for (; x < 7; ++x) r -= 1 / x;
  x -= 0.5;
  const xx = 1 / x, xx2 = xx * xx, xx4 = xx2 * xx2;
  return r + Math.log(x) + (1 / 24) * xx2 - (7 / 960) * xx4 + (31 / 8064) * xx4 * xx2 - (127 / 30720) * xx4 * xx4;
}

type Model = LivePieces;

/**
 * sentencepiece's unigram trainer (unigram_model_trainer.cc): seed pieces, then rounds of
 * `subIterations` EM steps (expected counts by forward-backward over every word; pieces expected
 * under 0.5 times dropped; scores digamma(count) - digamma(total), the Bayesian EM) and a pruning
 * step that keeps the `shrinkingFactor` share of pieces whose removal (their count moved to their
 * second-best segmentation) costs the likelihood most, until 1.1 × vocab_size pieces remain; then
 * the required characters and the best-scored pieces up to the size. Returns (piece, score) best
 * first. The passes over every word run on `threads` threads (team.ts), with the same result for any count.
 */
export async function trainUnigram(wc: WordCounts, opts: UnigramOptions): Promise<Array<[string, number]>> {
  const seeds = seedPieces(wc, opts.maxPieceLength, opts.seedSize);
  const texts = seeds.map(([s]) => s);
  let model: Model = { seeds: Int32Array.from(seeds, (_, i) => i), scores: Float32Array.from(seeds, ([, v]) => v) };
  const desired = Math.floor(opts.vocabSize * 1.1);
  opts.log?.(`subword: ${seeds.length} seed pieces over ${wc.words.length} distinct words`);
  let all = 0;
  for (const c of wc.counts) all += c;
  const team = await startTeam(wc, texts, { threads: opts.threads, maxLength: opts.maxPieceLength, workerFile: opts.workerFile, chunkChars: opts.chunkChars });
  try {
    for (let round = 0; ; round++) {
      let objective = 0;
      for (let it = 0; it < opts.subIterations; it++) {
        const e = await team.expected(model);
        objective = e.objective;
        model = mStep(model, e.expected);
      }
      opts.log?.(`subword: EM round ${round + 1}: ${model.seeds.length} pieces, objective ${(-objective / all).toFixed(4)}`);
      if (model.seeds.length <= desired) break;
      model = prune(model, await team.prune(model), opts, desired);
    }
  } finally {
    await team.close();
  }
  return finalize(model, texts, wc.required, opts.pieces);
}

function mStep(model: Model, expected: Float64Array): Model {
  const keep: number[] = [];
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const f = Math.fround(expected[i]);
    if (f < 0.5) continue;
    keep.push(i);
    sum = Math.fround(sum + f);
  }
  const logsum = Math.fround(digamma(sum));
  return {
    seeds: Int32Array.from(keep, (i) => model.seeds[i]),
    scores: Float32Array.from(keep, (i) => digamma(Math.fround(expected[i])) - logsum),
  };
}

function prune(model: Model, replies: PruneReply[], opts: UnigramOptions, desired: number): Model {
  const size = model.seeds.length;
  const alwaysKeep = new Uint8Array(size).fill(1);
  const alternatives: number[][] = Array.from({ length: size }, () => []);
  const freq = new Float64Array(size);
  for (const r of replies) {
    // Best-path counts are sums of integer word counts: exact in any order.
    for (let i = 0; i < size; i++) freq[i] += r.freq[i];
    const rec = r.records;
    for (let k = 0; k < rec.length;) {
      const i = rec[k], status = rec[k + 1];
      k += 2;
      if (status === 0) alwaysKeep[i] = 0;
      else if (status > 0) { alternatives[i] = Array.from(rec.subarray(k, k + status)); k += status; }
    }
  }
  let sum = 0;
  for (const f of freq) sum += f;
  const logsum = Math.log(sum);
  const kept: number[] = [];
  const candidates: Array<[number, number]> = [];
  for (let i = 0; i < size; i++) {
    if (freq[i] === 0 || !alwaysKeep[i]) continue;
    if (alternatives[i].length === 0) { kept.push(i); continue; }
    const F = Math.fround(freq[i] / sum); // sentencepiece 0.2: the piece's share of all tokens
    const logprobSp = Math.log(freq[i]) - logsum;
    const logsumAlt = Math.log(sum + freq[i] * (alternatives[i].length - 1));
    let logprobAlt = 0;
    for (const n of alternatives[i]) logprobAlt += Math.log(freq[n] + freq[i]) - logsumAlt;
    candidates.push([i, Math.fround(F * (logprobSp - logprobAlt))]);
  }
  const prunedSize = Math.max(desired, Math.floor(opts.shrinkingFactor * size));
  candidates.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [i] of candidates) {
    if (kept.length === prunedSize) break;
    kept.push(i);
  }
  return { seeds: Int32Array.from(kept, (i) => model.seeds[i]), scores: Float32Array.from(kept, (i) => model.scores[i]) };
}

function finalize(model: Model, texts: string[], required: Array<[string, number]>, pieces: number): Array<[string, number]> {
  const sp = new Map<string, number>();
  let min = Infinity;
  model.seeds.forEach((s, i) => { sp.set(texts[s], model.scores[i]); min = Math.min(min, model.scores[i]); });
  const final = new Map<string, number>();
  let penalty = 0;
  for (const [c] of required) {
    const v = sp.get(c);
    if (v !== undefined) final.set(c, v);
    else {
      final.set(c, Math.fround(min + penalty));
      penalty = Math.fround(penalty + 0.0001);
    }
  }
  const byScore = [...sp].sort((a, b) => b[1] - a[1] || cmpCodePoints(a[0], b[0]));
  for (const [s, v] of byScore) {
    if (final.has(s)) continue;
    if (final.size >= pieces) break;
    final.set(s, v);
  }
  return [...final].sort((a, b) => b[1] - a[1] || cmpCodePoints(a[0], b[0]));
}
