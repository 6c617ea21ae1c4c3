import type { PieceTrie } from '../trie.js';

/**
 * The training lattice of one word: every (start, end) span whose text is a seed piece, found once
 * (seed ids), so each EM round only maps seed ids to the current pieces instead of searching text.
 * Positions are code points.
 */
export interface WordLattice {
  /** Code points in the word. */
  n: number;
  /** Flat (start, end, seed id) triples, by start then end. */
  spans: Int32Array;
}

/**
 * The spans of `word` found by walking the seed pieces' trie from each position (no substring is
 * cut or hashed: on Brown, slicing and Map lookups made this the trainer's costliest step).
 */
export function buildLattice(word: string, seeds: PieceTrie, maxLength: number): WordLattice {
  const at: number[] = [];
  for (let i = 0; i < word.length; i++) {
    at.push(i);
    const c = word.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < word.length) i++;
  }
  const n = at.length;
  at.push(word.length);
  const spans: number[] = [];
  for (let i = 0; i < n; i++) {
    let node = 0;
    for (let j = i; j < n && j - i < maxLength; j++) {
      for (let u = at[j]; u < at[j + 1] && node >= 0; u++) node = seeds.child(node, word.charCodeAt(u));
      if (node < 0) break;
      const id = seeds.values[node];
      if (id >= 0) spans.push(i, j + 1, id);
    }
  }
  return { n, spans: Int32Array.from(spans) };
}

/** Current piece (index, score) of a span, or the unknown node. */
export interface Scoring {
  /** seed id → current piece index, -1 when pruned. */
  pieceOf: Int32Array;
  scores: Float32Array;
  unkScore: number;
}

/**
 * Reusable per-thread buffers: a word's live edges and its forward/backward arrays, grown on demand,
 * so the E-step allocates nothing per word (the allocations cost more than the arithmetic).
 */
export class Scratch {
  /** (start, end, piece | -1) triples of the word being scored. */
  edges = new Int32Array(768);
  /** Each edge's score. */
  score = new Float64Array(256);
  alpha = new Float64Array(64);
  beta = new Float64Array(64);
  seen = new Uint8Array(64);

  fit(n: number, spans: number): void {
    if (this.alpha.length < n + 1) {
      this.alpha = new Float64Array(2 * n + 2);
      this.beta = new Float64Array(2 * n + 2);
      this.seen = new Uint8Array(2 * n + 2);
    }
    const edges = spans + n;
    if (this.score.length < edges) {
      this.score = new Float64Array(2 * edges);
      this.edges = new Int32Array(6 * edges);
    }
  }
}

/**
 * Fills `x.edges` with the word's current (start, end, piece | -1 for unknown) edges, by start then
 * end, and `x.score` with their scores; returns how many. A position no single-character piece
 * starts gets an unknown node of one character, ordered first there (it is the shortest).
 */
export function collect(w: WordLattice, sc: Scoring, x: Scratch): number {
  const { n, spans } = w;
  x.fit(n, spans.length / 3);
  const out = x.edges;
  const score = x.score;
  const { pieceOf, scores, unkScore } = sc;
  let m = 0;
  let k = 0;
  for (let s = 0; s < n; s++) {
    // Spans from s are sorted by end, so a single-character one comes first.
    if (!(k < spans.length && spans[k] === s && spans[k + 1] === s + 1 && pieceOf[spans[k + 2]] >= 0)) {
      out[3 * m] = s; out[3 * m + 1] = s + 1; out[3 * m + 2] = -1;
      score[m++] = unkScore;
    }
    for (; k < spans.length && spans[k] === s; k += 3) {
      const p = pieceOf[spans[k + 2]];
      if (p < 0) continue;
      out[3 * m] = s; out[3 * m + 1] = spans[k + 1]; out[3 * m + 2] = p;
      score[m++] = scores[p];
    }
  }
  return m;
}

/**
 * Forward-backward over a word: adds `freq × P(span)` to `expected` for every piece span (the
 * unknown node counted as piece 0: sentencepiece's trainer model leaves its unk id at 0), and
 * returns freq × log Z. The accumulation order is sentencepiece's LogSumExp order, edge by edge.
 */
export function marginals(w: WordLattice, sc: Scoring, freq: number, expected: Float64Array, x: Scratch): number {
  const n = w.n;
  const m = collect(w, sc, x);
  const { edges, score, alpha, beta, seen } = x;
  alpha.fill(0, 0, n + 1);
  beta.fill(0, 0, n + 1);
  seen.fill(0, 0, n + 1);
  for (let k = 0; k < m; k++) {
    const s = edges[3 * k], e = edges[3 * k + 1];
    const v = alpha[s] + score[k];
    alpha[e] = seen[e] === 0 ? v : logSumExp(alpha[e], v);
    seen[e] = 1;
  }
  seen.fill(0, 0, n + 1);
  for (let k = m - 1; k >= 0; k--) {
    const s = edges[3 * k], e = edges[3 * k + 1];
    const v = beta[e] + score[k];
    beta[s] = seen[s] === 0 ? v : logSumExp(beta[s], v);
    seen[s] = 1;
  }
  const z = alpha[n];
  for (let k = 0; k < m; k++) {
    const p = edges[3 * k + 2];
    expected[p < 0 ? 0 : p] += freq * Math.exp(alpha[edges[3 * k]] + score[k] + beta[edges[3 * k + 1]] - z);
  }
  return freq * z;
}

/** log(exp(x) + exp(y)) as sentencepiece's LogSumExp (a gap over 50 keeps the larger). */
export function logSumExp(x: number, y: number): number {
  const lo = x < y ? x : y;
  const hi = x < y ? y : x;
  return hi > lo + 50 ? hi : hi + Math.log(Math.exp(lo - hi) + 1);
}

/** Viterbi over a word: adds `freq` to the count of each piece on the best path (first found kept on ties; unknown → 0). */
export function addBestPath(w: WordLattice, sc: Scoring, freq: number, counts: Float64Array, x: Scratch): void {
  const n = w.n;
  const m = collect(w, sc, x);
  const { edges, score, alpha: best } = x;
  const from = x.beta; // edge index + 1 reaching each position, 0 = none yet
  from.fill(0, 0, n + 1);
  best[0] = 0;
  for (let k = 0; k < m; k++) {
    const s = edges[3 * k], e = edges[3 * k + 1];
    const v = best[s] + score[k];
    if (from[e] === 0 || v > best[e]) { best[e] = v; from[e] = k + 1; }
  }
  for (let e = n; e > 0;) {
    const k = from[e] - 1;
    const p = edges[3 * k + 2];
    counts[p < 0 ? 0 : p] += freq;
    e = edges[3 * k];
  }
}
