/**
 * The chunk → tokens cache, keyed by text ranges instead of strings. A `Map<string, …>` needs a sliced
 * key per lookup and rehashes it (measured ~400 ns per chunk on the parity texts). Here the caller hashes
 * each chunk's code units while it scans for whitespace anyway; the open-addressing table keeps hash and
 * entry side by side so a probe touches one cache line, a hit compares code units in place, and a chunk
 * that is a single token is its own value (no array to chase). Memory latency is the whole cost of a
 * warm tokenizer, so every pointer saved counts.
 */
export const HASH_SEED = 0x811c9dc5 | 0;
export const hashStep = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

export function hashString(s: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < s.length; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

const INITIAL_SLOTS = 1 << 16;

export class ChunkCache {
  /** Pairs [hash, (entry + 1) << 3 | flags]; 0 = empty slot. The flags ride in the slot: no extra memory read per hit. */
  private slots = new Int32Array(INITIAL_SLOTS * 2);
  private keys: string[] = [];
  /** null when the chunk is one token (the key itself). */
  private multi: Array<string[] | null> = [];
  constructor(private readonly limit: number) {}

  /**
   * Looks `text.slice(start, end)` (hash `h`) up and appends its tokens to `out`: its flags (3 bits), or -1 on a miss.
   */
  pushTokens(text: string, start: number, end: number, h: number, out: string[]): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const len = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot * 2 + 1];
      if (v === 0) return -1;
      const e = v >> 3;
      if (slots[slot * 2] !== h) continue;
      const k = this.keys[e - 1];
      if (k.length !== len) continue;
      let j = 0;
      while (j < len && k.charCodeAt(j) === text.charCodeAt(start + j)) j++;
      if (j !== len) continue;
      const m = this.multi[e - 1];
      if (m === null) out.push(k);
      else for (let i = 0; i < m.length; i++) out.push(m[i]);
      return v & 7;
    }
  }

  /** The cached tokens of `key`, or undefined. */
  get(key: string, h: number): string[] | undefined {
    const out: string[] = [];
    return this.pushTokens(key, 0, key.length, h, out) >= 0 ? out : undefined;
  }

  set(key: string, h: number, tokens: string[], flags: number): void {
    if (this.keys.length >= this.limit) this.clear();
    if ((this.keys.length + 1) * 2 > this.slots.length >> 1) this.grow();
    this.keys.push(key);
    this.multi.push(tokens.length === 1 && tokens[0] === key ? null : tokens);
    this.place((this.keys.length << 3) | (flags & 7), h);
  }

  clear(): void {
    this.slots = new Int32Array(INITIAL_SLOTS * 2);
    this.keys = [];
    this.multi = [];
  }

  private place(value: number, h: number): void {
    const mask = (this.slots.length >> 1) - 1;
    let slot = h & mask;
    while (this.slots[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
    this.slots[slot * 2] = h;
    this.slots[slot * 2 + 1] = value;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let s = 0; s < old.length; s += 2) if (old[s + 1] !== 0) this.place(old[s + 1], old[s]);
  }
}
