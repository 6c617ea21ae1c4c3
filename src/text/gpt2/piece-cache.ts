/**
 * Piece → ids (or any value), looked up by a hash of the text's characters in place: a JavaScript Map would need
 * each piece cut out as a new string and hashed by V8, which cost 3× the scan itself. Open
 * addressing with linear probing; cleared when half full, so memory stays bounded on varied text.
 */
export class PieceCache<V = number | number[]> {
  private hashes: Int32Array;
  private keys: Array<string | undefined>;
  private values: V[];
  private count = 0;

  constructor(private readonly bits = 18) {
    this.hashes = new Int32Array(1 << bits);
    this.keys = packed(1 << bits);
    this.values = packed(1 << bits);
  }

  static hash(text: string, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
  }

  /** The ids cached for `text.slice(s, e)` (hash `h`), or undefined. */
  get(text: string, s: number, e: number, h: number): V | undefined {
    const mask = this.hashes.length - 1;
    const len = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = this.keys[slot];
      if (key === undefined) return undefined;
      if (this.hashes[slot] === h && key.length === len && same(key, text, s)) return this.values[slot];
    }
  }

  set(piece: string, h: number, ids: V): void {
    if (this.count * 2 >= this.hashes.length) this.clear();
    const mask = this.hashes.length - 1;
    let slot = h & mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.keys[slot] = piece;
    this.hashes[slot] = h;
    this.values[slot] = ids;
    this.count++;
  }

  private clear(): void {
    this.keys = packed(1 << this.bits);
    this.values = packed(1 << this.bits);
    this.count = 0;
  }
}

function same(key: string, text: string, s: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(s + i)) return false;
  return true;
}

/** `new Array(n)` past ~100k elements starts in V8's slow dictionary mode; pushing keeps it a packed array. */
function packed<T>(n: number): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(undefined as T);
  return a;
}
