/**
 * The pieces as a trie over UTF-16 code units, with (node, unit) → child in one open-addressed
 * table of typed arrays. The Viterbi scan walks it one unit at a time instead of cutting a new
 * string for every (start, end) pair and hashing it into a Map and a prefix Set: on Brown that
 * string work was two thirds of a cold encode. A node's value is the piece id ending there, or -1.
 */
export class PieceTrie {
  private readonly nodes: Int32Array;
  private readonly units: Uint16Array;
  private readonly children: Int32Array;
  readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: ReadonlyMap<string, number>) {
    let total = 1;
    for (const text of entries.keys()) total += text.length;
    let size = 1024;
    while (size < 2 * total) size *= 2;
    this.mask = size - 1;
    this.nodes = new Int32Array(size).fill(-1);
    this.units = new Uint16Array(size);
    this.children = new Int32Array(size);
    const values = new Int32Array(total).fill(-1);
    let count = 1;
    for (const [text, id] of entries) {
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        let child = this.child(node, text.charCodeAt(i));
        if (child < 0) {
          child = count++;
          this.insert(node, text.charCodeAt(i), child);
        }
        node = child;
      }
      values[node] = id;
    }
    this.values = values.subarray(0, count);
  }

  private static slot(node: number, unit: number): number {
    return Math.imul(node ^ (unit << 16) ^ unit, 0x9e3779b1) >>> 8;
  }

  /** The child of `node` by code unit `unit`, or -1 (node 0 is the root). */
  child(node: number, unit: number): number {
    for (let s = PieceTrie.slot(node, unit) & this.mask; ; s = (s + 1) & this.mask) {
      const n = this.nodes[s];
      if (n < 0) return -1;
      if (n === node && this.units[s] === unit) return this.children[s];
    }
  }

  private insert(node: number, unit: number, child: number): void {
    let s = PieceTrie.slot(node, unit) & this.mask;
    while (this.nodes[s] >= 0) s = (s + 1) & this.mask;
    this.nodes[s] = node;
    this.units[s] = unit;
    this.children[s] = child;
  }
}
