import { charWidth, type PieceIndex } from './pieces.js';

/**
 * sentencepiece's BPE `Model::Encode`: the text starts as characters (a user-defined symbol as one),
 * then the adjacent pair whose joined text is a piece with the highest score merges first (the
 * leftmost on ties), until no pair joins into a piece. A leftover character with no piece is the
 * unknown piece. Appends (id, start, end) triples to `out`.
 */
export function bpeEncode(index: PieceIndex, userDefined: readonly string[], text: string, out: number[]): void {
  const n = text.length;
  if (n === 0) return;
  const starts: number[] = [];
  for (let i = 0; i < n;) {
    starts.push(i);
    const u = userDefined.find((x) => text.startsWith(x, i));
    i += u ? u.length : charWidth(text, i);
  }
  const m = starts.length;
  const begin = Int32Array.from(starts);
  const end = new Int32Array(m);
  for (let i = 0; i < m; i++) end[i] = i + 1 < m ? begin[i + 1] : n;
  const prev = new Int32Array(m);
  const next = new Int32Array(m);
  for (let i = 0; i < m; i++) { prev[i] = i - 1; next[i] = i + 1 < m ? i + 1 : -1; }
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
  // The piece spelled by text[a, b), -1 for none (or an unused one): a trie walk, no substring cut and hashed.
  const trie = index.trie;
  const pieceAt = (a: number, b: number): number => {
    let o = 0;
    for (let i = a; i < b && o >= 0; i++) o = trie.child(o, text.charCodeAt(i));
    return o < 0 ? -1 : trie.value(o);
  };
  const consider = (l: number, r: number): void => {
    if (l < 0 || r < 0) return;
    const id = pieceAt(begin[l], end[r]);
    if (id < 0) return;
    push([index.pieces[id].score, l, r, end[r] - begin[l]]);
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
  for (let i = 0; i >= 0; i = next[i]) {
    const id = pieceAt(begin[i], end[i]);
    out.push(id < 0 ? index.unkId : id, begin[i], end[i]);
  }
}
