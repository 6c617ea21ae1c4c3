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

export function buildLattices(words: readonly string[], seedIds: ReadonlyMap<string, number>, maxLength: number): WordLattice[] {
  return words.map((w) => {
    const cps = Array.from(w);
    const spans: number[] = [];
    for (let i = 0; i < cps.length; i++) {
      let sub = '';
      for (let j = i; j < cps.length && j - i < maxLength; j++) {
        sub += cps[j];
        const id = seedIds.get(sub);
        if (id !== undefined) spans.push(i, j + 1, id);
      }
    }
    return { n: cps.length, spans: Int32Array.from(spans) };
  });
}

/** log(exp(x) + exp(y)) as sentencepiece's LogSumExp (a gap over 50 keeps the larger). */
export function logSumExp(x: number, y: number, init: boolean): number {
  if (init) return y;
  const lo = Math.min(x, y);
  const hi = Math.max(x, y);
  return hi > lo + 50 ? hi : hi + Math.log(Math.exp(lo - hi) + 1);
}

/** Current piece (index, score) of a span, or the unknown node. */
export interface Scoring {
  /** seed id → current piece index, -1 when pruned. */
  pieceOf: Int32Array;
  scores: Float32Array;
  unkScore: number;
}

/**
 * Forward-backward over a word: adds `freq × P(span)` to `expected` for every piece span, and
 * returns freq × log Z. A position no single-character piece starts gets an unknown node of one
 * character, counted as piece 0 (sentencepiece's trainer model leaves its unk id at 0).
 */
export function marginals(w: WordLattice, sc: Scoring, freq: number, expected: Float64Array, tmp: Float64Array[]): number {
  const { n } = w;
  const alpha = tmp[0];
  const beta = tmp[1];
  alpha.fill(0, 0, n + 1);
  beta.fill(0, 0, n + 1);
  const seen = tmp[2];
  seen.fill(0, 0, n + 1);
  const edges = collect(w, sc, tmp[3]);
  const m = edges.length / 3;
  for (let k = 0; k < m; k++) {
    const s = edges[3 * k], e = edges[3 * k + 1], p = edges[3 * k + 2];
    const v = alpha[s] + (p < 0 ? sc.unkScore : sc.scores[p]);
    alpha[e] = logSumExp(alpha[e], v, seen[e] === 0);
    seen[e] = 1;
  }
  seen.fill(0, 0, n + 1);
  for (let k = m - 1; k >= 0; k--) {
    const s = edges[3 * k], e = edges[3 * k + 1], p = edges[3 * k + 2];
    const v = beta[e] + (p < 0 ? sc.unkScore : sc.scores[p]);
    beta[s] = logSumExp(beta[s], v, seen[s] === 0);
    seen[s] = 1;
  }
  const z = alpha[n];
  for (let k = 0; k < m; k++) {
    const s = edges[3 * k], e = edges[3 * k + 1], p = edges[3 * k + 2];
    const score = p < 0 ? sc.unkScore : sc.scores[p];
    expected[p < 0 ? 0 : p] += freq * Math.exp(alpha[s] + score + beta[e] - z);
  }
  return freq * z;
}

/** The current (start, end, piece | -1 for unknown) edges of a word, by start then end. */
export function collect(w: WordLattice, sc: Scoring, buf: Float64Array): number[] {
  const out: number[] = [];
  const { n, spans } = w;
  let k = 0;
  for (let s = 0; s < n; s++) {
    let single = false;
    for (; k < spans.length && spans[k] === s; k += 3) {
      const p = sc.pieceOf[spans[k + 2]];
      if (p < 0) continue;
      out.push(s, spans[k + 1], p);
      if (spans[k + 1] === s + 1) single = true;
    }
    if (!single) {
      // Keep the order by end: the unknown node spans one character, the shortest.
      let at = out.length;
      while (at >= 3 && out[at - 3] === s) at -= 3;
      out.splice(at, 0, s, s + 1, -1);
    }
  }
  void buf;
  return out;
}

/** Viterbi over a word: the best path's pieces (-1 = unknown), first found kept on ties. */
export function bestPath(w: WordLattice, sc: Scoring): number[] {
  const edges = collect(w, sc, new Float64Array(0));
  const n = w.n;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const from = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  for (let k = 0; k < edges.length; k += 3) {
    const s = edges[k], e = edges[k + 1], p = edges[k + 2];
    const v = best[s] + (p < 0 ? sc.unkScore : sc.scores[p]);
    if (from[e] < 0 || v > best[e]) { best[e] = v; from[e] = k; }
  }
  const path: number[] = [];
  for (let e = n; e > 0;) { const k = from[e]; path.push(edges[k + 2]); e = edges[k]; }
  return path.reverse();
}
