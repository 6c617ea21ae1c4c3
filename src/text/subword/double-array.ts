/**
 * The encodable pieces as a double-array trie over UTF-16 code units (as darts-clone, which
 * sentencepiece uses, over bytes): a code unit maps to a small symbol (`symbols`, 0 = in no
 * piece), and the child of node `p` by symbol `c` is `base[p] + c` when `check` there is `p`.
 * One step is two typed-array loads and a compare; the hashed trie it replaces for encoding
 * (PieceTrie, which training still uses) needed a multiply, a probe loop and three loads, and was
 * most of a cold encode's Viterbi scan. `values[p]` is the piece id ending at `p`, or -1.
 */
export class DoubleArrayTrie {
  readonly symbols = new Uint16Array(65536);
  readonly base: Int32Array;
  readonly check: Int32Array;
  readonly values: Int32Array;

  /** `entries`: piece text → id; an id of -1 keeps the path (its prefixes) but ends no piece. */
  constructor(entries: ReadonlyMap<string, number>) {
    // Frequent units get small symbols, so the arrays pack densely.
    const freq = new Map<number, number>();
    for (const text of entries.keys()) for (let i = 0; i < text.length; i++) freq.set(text.charCodeAt(i), (freq.get(text.charCodeAt(i)) ?? 0) + 1);
    const units = [...freq].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    units.forEach(([u], k) => { this.symbols[u] = k + 1; });
    const alphabet = units.length + 1;
    // A plain trie first: children by symbol, sorted when laid out.
    const kids: Array<Map<number, number>> = [new Map()];
    const ends: number[] = [-1];
    for (const [text, id] of entries) {
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        const c = this.symbols[text.charCodeAt(i)];
        let next = kids[node].get(c);
        if (next === undefined) {
          next = kids.length;
          kids.push(new Map());
          ends.push(-1);
          kids[node].set(c, next);
        }
        node = next;
      }
      ends[node] = id;
    }
    let size = Math.max(1024, 2 * kids.length + alphabet);
    let base = new Int32Array(size);
    let check = new Int32Array(size).fill(-1);
    let values = new Int32Array(size).fill(-1);
    const grow = (need: number): void => {
      if (need < size) return;
      while (size <= need) size *= 2;
      const b = new Int32Array(size); b.set(base); base = b;
      const c = new Int32Array(size).fill(-1); c.set(check); check = c;
      const v = new Int32Array(size).fill(-1); v.set(values); values = v;
    };
    check[0] = 0; // the root's slot is taken (by itself), so no child lands there
    let maxUsed = 0;
    let firstFree = 1;
    const queue: Array<[number, number]> = [[0, 0]]; // (plain node, position)
    for (let q = 0; q < queue.length; q++) {
      const [node, pos] = queue[q];
      values[pos] = ends[node];
      const syms = [...kids[node].keys()].sort((a, b) => a - b);
      if (syms.length === 0) continue;
      while (check[firstFree] >= 0) { firstFree++; grow(firstFree + alphabet); }
      // The smallest base at which every child's slot is free.
      let b = Math.max(0, firstFree - syms[0]);
      for (; ; b++) {
        grow(b + alphabet);
        if (syms.every((c) => check[b + c] < 0)) break;
      }
      base[pos] = b;
      for (const c of syms) {
        check[b + c] = pos;
        maxUsed = Math.max(maxUsed, b + c);
        queue.push([kids[node].get(c)!, b + c]);
      }
    }
    // Any base + symbol stays inside the arrays, so a step never reads past their ends.
    grow(maxUsed + alphabet + 1);
    this.base = base;
    this.check = check;
    this.values = values;
  }

  /** The child of `node` by code unit `unit`, or -1 (node 0 is the root). */
  child(node: number, unit: number): number {
    const c = this.symbols[unit];
    if (c === 0) return -1;
    const next = this.base[node] + c;
    return this.check[next] === node ? next : -1;
  }
}
