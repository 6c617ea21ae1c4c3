/**
 * The encodable pieces as a double-array trie over UTF-16 code units (as darts-clone, which
 * sentencepiece uses, over bytes). A code unit maps to a small symbol (`symbols`, 0 = in no piece);
 * node `p` is the record `nodes[4p .. 4p + 3]` = (base, parent record, piece id or -1, unused), and
 * its child by symbol `c` is record `base + c` when that record's parent is `p`. A node is named by
 * its record's offset (4p), so a step is `o = (nodes[o] + c) << 2`, one compare, and the id beside it:
 * one cache line per step. The hashed trie it replaces for encoding (PieceTrie, which training still
 * uses) needed a multiply, a probe loop and loads from three arrays per step, and was most of a cold
 * encode's Viterbi scan.
 */
export class DoubleArrayTrie {
  readonly symbols = new Uint16Array(65536);
  readonly nodes: Int32Array;

  /** `entries`: piece text → id; an id of -1 keeps the path (its prefixes) but ends no piece. */
  constructor(entries: ReadonlyMap<string, number>) {
    // Built once per tokenizer and thread, often before the JIT has warmed up: no Map or array per node.
    // Symbols number the units pieces use in code-unit order, so keys sorted as strings are sorted by symbols.
    const seen = new Uint8Array(65536);
    for (const text of entries.keys()) for (let i = 0; i < text.length; i++) seen[text.charCodeAt(i)] = 1;
    let alphabet = 1;
    for (let u = 0; u < 65536; u++) if (seen[u]) this.symbols[u] = alphabet++;
    // The default sort compares strings by UTF-16 code units, natively (a comparator was a third of the build).
    const keys = [...entries.keys()].sort();
    const symbols = this.symbols;
    let nodes = new Int32Array(4 * Math.max(1024, 2 * keys.length + alphabet)).fill(-1);
    const grow = (records: number): void => {
      if (4 * records <= nodes.length) return;
      let size = nodes.length;
      while (size < 4 * records) size *= 2;
      const b = new Int32Array(size).fill(-1);
      b.set(nodes);
      nodes = b;
    };
    nodes[1] = 0; // the root's record is taken (by itself), so no child lands there
    let firstFree = 1;
    let last = 0;
    // Breadth first over sorted keys: a node at `depth` covers keys[lo, hi), which share its prefix.
    const queue: number[] = [0, 0, 0, keys.length]; // (record, depth, lo, hi) per node
    const syms: number[] = [];
    const starts: number[] = [];
    for (let q = 0; q < queue.length; q += 4) {
      const p = queue[q];
      const depth = queue[q + 1];
      let lo = queue[q + 2];
      const hi = queue[q + 3];
      if (lo < hi && keys[lo].length === depth) nodes[4 * p + 2] = entries.get(keys[lo++])!;
      syms.length = starts.length = 0;
      for (let i = lo; i < hi; i++) {
        const c = symbols[keys[i].charCodeAt(depth)];
        if (syms.length === 0 || syms[syms.length - 1] !== c) { syms.push(c); starts.push(i); }
      }
      if (syms.length === 0) continue;
      while (nodes[4 * firstFree + 1] >= 0) grow(++firstFree + alphabet + 1);
      // The smallest base at which every child's record is free, trying only free records for the first child.
      let b = 0;
      for (let slot = firstFree; ; slot++) {
        grow(slot + alphabet + 1);
        b = slot - syms[0];
        if (b < 0 || nodes[4 * slot + 1] >= 0) continue;
        let k = 1;
        while (k < syms.length && nodes[4 * (b + syms[k]) + 1] < 0) k++;
        if (k === syms.length) break;
      }
      nodes[4 * p] = b;
      for (let k = 0; k < syms.length; k++) {
        const child = b + syms[k];
        nodes[4 * child + 1] = 4 * p;
        last = Math.max(last, child);
        queue.push(child, depth + 1, starts[k], k + 1 < syms.length ? starts[k + 1] : hi);
      }
    }
    // Any base + symbol stays inside the array, so a step never reads past its end.
    grow(last + alphabet + 1);
    for (let r = 0; r < nodes.length; r += 4) if (nodes[r] < 0) nodes[r] = 0;
    this.nodes = nodes;
  }

  /** The child of node `o` (a record offset; 0 is the root) by code unit `unit`, or -1. */
  child(o: number, unit: number): number {
    const c = this.symbols[unit];
    if (c === 0) return -1;
    const next = (this.nodes[o] + c) << 2;
    return this.nodes[next + 1] === o ? next : -1;
  }

  /** The piece id ending at node `o`, or -1. */
  value(o: number): number {
    return this.nodes[o + 2];
  }
}
