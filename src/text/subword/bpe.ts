import { charWidth, type PieceIndex } from './pieces.js';

/**
 * sentencepiece's BPE `Model::Encode`: the text starts as characters (a user-defined symbol as one),
 * then the adjacent pair whose joined text is a piece with the highest score merges first (the
 * leftmost on ties), until no pair joins into a piece. A leftover character with no piece is the
 * unknown piece. Appends (id, start, end) triples to `out`.
 */
/** Per list of user-defined symbols, which code units start one. */
const firsts = new WeakMap<readonly string[], Uint8Array>();
function firstUnits(userDefined: readonly string[]): Uint8Array {
  let f = firsts.get(userDefined);
  if (!f) {
    f = new Uint8Array(65536);
    for (const u of userDefined) if (u.length) f[u.charCodeAt(0)] = 1;
    firsts.set(userDefined, f);
  }
  return f;
}

/** Up to this many symbols, merges are found by a scan of the live pairs, not a heap. */
const SCAN_MAX = 48;

export function bpeEncode(index: PieceIndex, userDefined: readonly string[], text: string, out: number[]): void {
  const n = text.length;
  if (n === 0) return;
  const first = firstUnits(userDefined);
  const begin = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n;) {
    begin[m++] = i;
    // Only a unit that starts some user-defined symbol is worth the search.
    const u = first[text.charCodeAt(i)] === 1 ? userDefined.find((x) => text.startsWith(x, i)) : undefined;
    i += u ? u.length : charWidth(text, i);
  }
  const end = new Int32Array(m);
  for (let i = 0; i < m; i++) end[i] = i + 1 < m ? begin[i + 1] : n;
  const prev = new Int32Array(m);
  const next = new Int32Array(m);
  for (let i = 0; i < m; i++) { prev[i] = i - 1; next[i] = i + 1 < m ? i + 1 : -1; }
  // The piece spelled by text[a, b), -1 for none (or an unused one): a trie walk, no substring cut and hashed.
  const trie = index.trie;
  const pieceAt = (a: number, b: number): number => {
    let o = 0;
    for (let i = a; i < b && o >= 0; i++) o = trie.child(o, text.charCodeAt(i));
    return o < 0 ? -1 : trie.value(o);
  };
  if (m <= SCAN_MAX) mergeByScan(index, m, begin, end, prev, next, pieceAt);
  else {
    const alive = new Uint8Array(m).fill(1);
    // Max-heap of candidate pairs: [score, left, right, joined length]; stale entries are skipped on pop.
    const heap: Array<[number, number, number, number]> = [];
    const better = (a: [number, number, number, number], b: [number, number, number, number]): boolean => (a[0] !== b[0] ? a[0] > b[0] : a[1] < b[1]);
    const push = (item: [number, number, number, number]): void => {
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!better(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const pop = (): [number, number, number, number] => {
      const top = heap[0];
      const lastItem = heap.pop()!;
      if (heap.length) {
        heap[0] = lastItem;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let b = i;
          if (l < heap.length && better(heap[l], heap[b])) b = l;
          if (r < heap.length && better(heap[r], heap[b])) b = r;
          if (b === i) break;
          [heap[i], heap[b]] = [heap[b], heap[i]];
          i = b;
        }
      }
      return top;
    };
    const consider = (l: number, r: number): void => {
      if (l < 0 || r < 0) return;
      const id = pieceAt(begin[l], end[r]);
      if (id < 0) return;
      push([index.scores[id], l, r, end[r] - begin[l]]);
    };
    for (let i = 1; i < m; i++) consider(i - 1, i);
    while (heap.length) {
      const [, l, r, len] = pop();
      if (!alive[l] || !alive[r] || next[l] !== r || end[r] - begin[l] !== len) continue;
      end[l] = end[r];
      alive[r] = 0;
      next[l] = next[r];
      if (next[r] >= 0) prev[next[r]] = l;
      consider(prev[l], l);
      consider(l, next[l]);
    }
  }
  for (let i = 0; i >= 0; i = next[i]) {
    const id = pieceAt(begin[i], end[i]);
    out.push(id < 0 ? index.unkId : id, begin[i], end[i]);
  }
}

/**
 * The merges of a short word: each round scans the live pairs for the best (the leftmost on ties,
 * as the heap orders them) and rates again only the two pairs a merge changes. For the few symbols
 * of a word this beats the heap, whose tuple per candidate was most of a cold BPE encode.
 */
function mergeByScan(index: PieceIndex, m: number, begin: Int32Array, end: Int32Array, prev: Int32Array, next: Int32Array, pieceAt: (a: number, b: number) => number): void {
  const ok = new Uint8Array(m);
  const score = new Float64Array(m);
  const rate = (l: number): void => {
    const r = next[l];
    const id = r < 0 ? -1 : pieceAt(begin[l], end[r]);
    ok[l] = id >= 0 ? 1 : 0;
    if (id >= 0) score[l] = index.scores[id];
  };
  for (let i = 0; i < m; i++) rate(i);
  for (;;) {
    let best = -1;
    for (let i = 0; i >= 0; i = next[i]) if (ok[i] === 1 && (best < 0 || score[i] > score[best])) best = i;
    if (best < 0) return;
    const r = next[best];
    end[best] = end[r];
    next[best] = next[r];
    if (next[r] >= 0) prev[next[r]] = best;
    rate(best);
    if (prev[best] >= 0) rate(prev[best]);
  }
}
