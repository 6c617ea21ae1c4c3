import { bestPath, buildLattices, collect, marginals, type Scoring, type WordLattice } from './lattice.js';
import { seedPieces } from './seeds.js';
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
  /** Progress, one line per EM round. */
  log?: (line: string) => void;
}

const UNK_PENALTY = 10;

/** sentencepiece's Digamma (asymptotic series after shifting x above 7). */
export function digamma(x: number): number {
  let r = 0;
  for (; x < 7; ++x) r -= 1 / x;
  x -= 0.5;
  const xx = 1 / x, xx2 = xx * xx, xx4 = xx2 * xx2;
  return r + Math.log(x) + (1 / 24) * xx2 - (7 / 960) * xx4 + (31 / 8064) * xx4 * xx2 - (127 / 30720) * xx4 * xx4;
}

interface Model { seeds: Int32Array; scores: Float32Array }

/**
 * sentencepiece's unigram trainer (unigram_model_trainer.cc): seed pieces, then rounds of
 * `subIterations` EM steps (expected counts by forward-backward over every word; pieces expected
 * under 0.5 times dropped; scores digamma(count) - digamma(total), the Bayesian EM) and a pruning
 * step that keeps the `shrinkingFactor` share of pieces whose removal (their count moved to their
 * second-best segmentation) costs the likelihood most, until 1.1 × vocab_size pieces remain; then
 * the required characters and the best-scored pieces up to the size. Returns (piece, score) best first.
 */
export function trainUnigram(wc: WordCounts, opts: UnigramOptions): Array<[string, number]> {
  const seeds = seedPieces(wc, opts.maxPieceLength, opts.seedSize);
  const seedIds = new Map<string, number>(seeds.map(([s], i) => [s, i]));
  const texts = seeds.map(([s]) => s);
  const lattices = buildLattices(wc.words, seedIds, opts.maxPieceLength);
  let model: Model = { seeds: Int32Array.from(seeds, (_, i) => i), scores: Float32Array.from(seeds, ([, v]) => v) };
  const desired = Math.floor(opts.vocabSize * 1.1);
  const tmp = [0, 1, 2, 3].map(() => new Float64Array(maxLen(lattices) + 2));
  opts.log?.(`subword: ${seeds.length} seed pieces over ${wc.words.length} distinct words`);
  for (let round = 0; ; round++) {
    for (let it = 0; it < opts.subIterations; it++) {
      const sc = scoring(model, seeds.length);
      const expected = new Float64Array(model.seeds.length);
      for (let w = 0; w < lattices.length; w++) marginals(lattices[w], sc, wc.counts[w], expected, tmp);
      model = mStep(model, expected);
    }
    opts.log?.(`subword: EM round ${round + 1}: ${model.seeds.length} pieces`);
    if (model.seeds.length <= desired) break;
    model = prune(model, lattices, wc, texts, seedIds, opts, desired);
  }
  return finalize(model, texts, wc.required, opts.pieces);
}

function maxLen(ls: WordLattice[]): number {
  let m = 0;
  for (const l of ls) if (l.n > m) m = l.n;
  return m;
}

function scoring(model: Model, nSeeds: number): Scoring {
  const pieceOf = new Int32Array(nSeeds).fill(-1);
  let min = Infinity;
  model.seeds.forEach((s, i) => { pieceOf[s] = i; min = Math.min(min, model.scores[i]); });
  return { pieceOf, scores: model.scores, unkScore: Math.fround(min - UNK_PENALTY) };
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

/** The best and second-best segmentations of one piece's own text (sentencepiece's NBest(2)). */
function twoBest(l: WordLattice, sc: Scoring): number[][] {
  const edges = collect(l, sc, new Float64Array(0));
  const n = l.n;
  // top[e] holds up to two (score, edge index, rank of the edge's start) entries.
  const top: Array<Array<[number, number, number]>> = Array.from({ length: n + 1 }, () => []);
  top[0].push([0, -1, 0]);
  for (let k = 0; k < edges.length; k += 3) {
    const s = edges[k], e = edges[k + 1], p = edges[k + 2];
    const score = p < 0 ? sc.unkScore : sc.scores[p];
    top[s].forEach(([v], r) => {
      const cand: [number, number, number] = [v + score, k, r];
      const t = top[e];
      if (t.length < 2) t.push(cand);
      else if (cand[0] > t[1][0]) t[1] = cand;
      else return;
      if (t.length === 2 && t[1][0] > t[0][0]) t.reverse();
    });
  }
  return top[n].map((_, r0) => {
    const path: number[] = [];
    for (let e = n, r = r0; e > 0;) {
      const [, k, rr] = top[e][r];
      path.push(edges[k + 2]);
      e = edges[k];
      r = rr;
    }
    return path.reverse();
  });
}

function prune(model: Model, lattices: WordLattice[], wc: WordCounts, texts: string[], seedIds: ReadonlyMap<string, number>, opts: UnigramOptions, desired: number): Model {
  const sc = scoring(model, texts.length);
  const size = model.seeds.length;
  const alwaysKeep = new Uint8Array(size).fill(1);
  const alternatives: number[][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < size; i++) {
    const l = buildLattices([texts[model.seeds[i]]], seedIds, opts.maxPieceLength)[0];
    const nb = twoBest(l, sc);
    if (nb.length === 1) continue;
    if (nb[0].length >= 2) alwaysKeep[i] = 0;
    else if (nb[0].length === 1) alternatives[i] = nb[1].map((p) => (p < 0 ? 0 : p));
  }
  const freq = new Float64Array(size);
  for (let w = 0; w < lattices.length; w++) {
    const f = wc.counts[w];
    for (const p of bestPath(lattices[w], sc)) freq[p < 0 ? 0 : p] += f;
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
