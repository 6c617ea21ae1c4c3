import { collect, type Scoring, type Scratch, type WordLattice } from './lattice.js';

/** Up to two best (score, edge, rank at the edge's start) entries per position, grown on demand. */
class Top {
  count = new Uint8Array(32);
  value = new Float64Array(64);
  edge = new Int32Array(64);
  rank = new Uint8Array(64);
  fit(n: number): void {
    if (this.count.length > n) return;
    this.count = new Uint8Array(2 * n + 2);
    this.value = new Float64Array(4 * n + 4);
    this.edge = new Int32Array(4 * n + 4);
    this.rank = new Uint8Array(4 * n + 4);
  }
}

const tops = new WeakMap<Scratch, Top>();

/**
 * What pruning needs of a piece's own text (sentencepiece's NBest(2) over it): -1 when it has a
 * single segmentation, 0 when its best one has two pieces or more (it is not always kept), else
 * the pieces of its second-best segmentation are appended to `alt` (unknown → 0) and their count
 * returned.
 */
export function secondBest(l: WordLattice, sc: Scoring, x: Scratch, alt: number[]): number {
  let t = tops.get(x);
  if (!t) tops.set(x, (t = new Top()));
  const n = l.n;
  t.fit(n);
  const m = collect(l, sc, x);
  const { edges, score } = x;
  const { count, value, edge, rank } = t;
  count.fill(0, 0, n + 1);
  count[0] = 1;
  value[0] = 0;
  edge[0] = -1;
  rank[0] = 0;
  for (let k = 0; k < m; k++) {
    const s = edges[3 * k], e = edges[3 * k + 1];
    for (let r = 0; r < count[s]; r++) {
      const v = value[2 * s + r] + score[k];
      let slot: number;
      if (count[e] < 2) slot = 2 * e + count[e]++;
      else if (v > value[2 * e + 1]) slot = 2 * e + 1;
      else continue;
      value[slot] = v; edge[slot] = k; rank[slot] = r;
      if (count[e] === 2 && value[2 * e + 1] > value[2 * e]) swap(t, 2 * e, 2 * e + 1);
    }
  }
  if (count[n] < 2) return -1;
  if (pathLength(t, edges, n, 0) >= 2) return 0;
  let len = 0;
  const start = alt.length;
  for (let e = n, r = 1; e > 0; len++) {
    const k = edge[2 * e + r];
    const p = edges[3 * k + 2];
    alt.push(p < 0 ? 0 : p);
    r = rank[2 * e + r];
    e = edges[3 * k];
  }
  // Collected from the end: put them in text order.
  for (let i = start, j = alt.length - 1; i < j; i++, j--) [alt[i], alt[j]] = [alt[j], alt[i]];
  return len;
}

function pathLength(t: Top, edges: Int32Array, n: number, r0: number): number {
  let len = 0;
  for (let e = n, r = r0; e > 0; len++) {
    const k = t.edge[2 * e + r];
    r = t.rank[2 * e + r];
    e = edges[3 * k];
  }
  return len;
}

function swap(t: Top, a: number, b: number): void {
  [t.value[a], t.value[b]] = [t.value[b], t.value[a]];
  [t.edge[a], t.edge[b]] = [t.edge[b], t.edge[a]];
  [t.rank[a], t.rank[b]] = [t.rank[b], t.rank[a]];
}
