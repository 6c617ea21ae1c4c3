import { PieceCache } from './piece-cache.js';
import { GPT2_PATTERN, pieceEnd } from './pretokenize.js';
import type { BpeRanks } from './ranks.js';

const NONE = 0x7fffffff;
const EMPTY = -1;
const PAIR_BITS = 19;

/**
 * tiktoken's byte-level BPE (`CoreBPE`): the text is cut by the encoding's pattern, each piece is
 * looked up whole and otherwise merged pairwise, always the lowest-ranked adjacent pair first (the
 * leftmost on ties), exactly as `byte_pair_merge` does. Byte strings are latin1 JS strings (one char
 * per byte), so a rank lookup is one Map probe on a substring, and an ASCII piece is its own bytes.
 *
 * Pieces repeat heavily in natural text, so each piece's ids are cached (bounded, cleared when full).
 */
export class BytePairEncoder {
  readonly ranks: Map<string, number>;
  readonly special: ReadonlyMap<string, number>;
  readonly decoder: readonly string[];
  private readonly specialPattern: RegExp | undefined;
  private readonly cache = new PieceCache();
  private parts = new Int32Array(64);
  private pairRanks = new Int32Array(64);
  /** (a << 16 | b, rank of a's and b's bytes joined) pairs; open addressing, EMPTY = free. */
  private readonly pairTable: Int32Array;
  private readonly byteIds: Int32Array;

  constructor(def: BpeRanks) {
    if (def.patStr !== GPT2_PATTERN) throw new Error(`${def.name}: only GPT-2's pre-tokenizer pattern is implemented`);
    this.ranks = new Map(def.tokens.map((t, i) => [t, i]));
    this.special = new Map(Object.entries(def.special));
    const decoder = def.tokens.slice();
    for (const [s, id] of this.special) decoder[id] = Buffer.from(s, 'utf8').toString('latin1');
    this.decoder = decoder;
    if (def.tokens.length > 0x10000) throw new Error(`${def.name}: pair keys hold 16-bit ids, ${def.tokens.length} ranks do not fit`);
    this.pairTable = pairTable(def.tokens, this.ranks);
    this.byteIds = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = this.ranks.get(String.fromCharCode(b));
      if (id === undefined) throw new Error(`${def.name}: byte ${b} has no rank, so it is not a byte-level encoding`);
      this.byteIds[b] = id;
    }
    const specials = [...this.special.keys()];
    this.specialPattern = specials.length ? new RegExp(specials.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** tiktoken's `encode_ordinary`: special-token texts are encoded as ordinary text. */
  encodeOrdinary(text: string, out: number[] = []): number[] {
    const cache = this.cache;
    for (let s = 0, n = text.length; s < n;) {
      const e = pieceEnd(text, s);
      const h = PieceCache.hash(text, s, e);
      let ids = cache.get(text, s, e, h);
      if (ids === undefined) {
        const piece = text.slice(s, e);
        ids = this.encodePiece(piece);
        cache.set(piece, h, ids);
      }
      if (typeof ids === 'number') out.push(ids);
      else for (let i = 0; i < ids.length; i++) out.push(ids[i]);
      s = e;
    }
    return out;
  }

  /** tiktoken's `encode(text, allowed_special="all")`: special-token texts become their ids. */
  encodeWithSpecial(text: string, out: number[] = []): number[] {
    const sp = this.specialPattern;
    if (!sp) return this.encodeOrdinary(text, out);
    sp.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = sp.exec(text)) !== null) {
      this.encodeOrdinary(text.slice(last, m.index), out);
      out.push(this.special.get(m[0])!);
      last = m.index + m[0].length;
    }
    return this.encodeOrdinary(text.slice(last), out);
  }

  /** Ids → the UTF-8 bytes they stand for, decoded with U+FFFD for invalid sequences (as `errors="replace"`). */
  decode(ids: ArrayLike<number>): string {
    let bytes = '';
    for (let i = 0; i < ids.length; i++) bytes += this.decoder[ids[i]] ?? '';
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }

  private encodePiece(piece: string): number | number[] {
    const bytes = isAscii(piece) ? piece : Buffer.from(piece, 'utf8').toString('latin1');
    return this.ranks.get(bytes) ?? this.merge(bytes);
  }

  /**
   * `byte_pair_merge` over token ids: every part is always a token (single bytes are, and a merge
   * happens only when the joined bytes have a rank), so the rank of parts a and b joined is a
   * function of the pair (a, b), looked up in an integer table built up front instead of slicing
   * and hashing the bytes at every step. The lowest rank merges first, the leftmost on ties.
   */
  private merge(bytes: string): number[] {
    const n = bytes.length;
    if (this.parts.length < n + 1) {
      this.parts = new Int32Array(n * 2 + 2);
      this.pairRanks = new Int32Array(n * 2 + 2);
    }
    const parts = this.parts;
    const pr = this.pairRanks;
    for (let i = 0; i < n; i++) parts[i] = this.byteIds[bytes.charCodeAt(i)];
    let len = n;
    for (let i = 0; i < len - 1; i++) pr[i] = this.pairRank(parts[i], parts[i + 1]);
    while (len > 1) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < len - 1; i++) if (pr[i] < min) { min = pr[i]; at = i; }
      if (at < 0) break;
      parts[at] = min; // a mergeable token's rank is its id
      parts.copyWithin(at + 1, at + 2, len);
      pr.copyWithin(at + 1, at + 2, len - 1);
      len--;
      if (at > 0) pr[at - 1] = this.pairRank(parts[at - 1], parts[at]);
      if (at < len - 1) pr[at] = this.pairRank(parts[at], parts[at + 1]);
    }
    return Array.from(parts.subarray(0, len));
  }

  private pairRank(a: number, b: number): number {
    const key = (a << 16) | b;
    const table = this.pairTable;
    const mask = (table.length >> 1) - 1;
    for (let slot = (Math.imul(key, 0x9e3779b1) >>> (32 - PAIR_BITS)) & mask; ; slot = (slot + 1) & mask) {
      const rank = table[2 * slot + 1];
      if (rank === EMPTY) return NONE;
      if (table[2 * slot] === key) return rank;
    }
  }
}

/**
 * Every (a, b) whose bytes joined form a token, with that token's rank: each token's splits into
 * two tokens. Built once per thread (~300k probes); open addressing at most half full.
 */
function pairTable(tokens: readonly string[], ranks: ReadonlyMap<string, number>): Int32Array {
  const table = new Int32Array(2 << PAIR_BITS).fill(EMPTY);
  const mask = (1 << PAIR_BITS) - 1;
  let count = 0;
  tokens.forEach((t, rank) => {
    for (let k = 1; k < t.length; k++) {
      const a = ranks.get(t.slice(0, k));
      if (a === undefined) continue;
      const b = ranks.get(t.slice(k));
      if (b === undefined) continue;
      const key = (a << 16) | b;
      let slot = (Math.imul(key, 0x9e3779b1) >>> (32 - PAIR_BITS)) & mask;
      while (table[2 * slot + 1] !== EMPTY) slot = (slot + 1) & mask;
      table[2 * slot] = key;
      table[2 * slot + 1] = rank;
      if (++count * 2 > mask) throw new Error('BPE pair table is too small for these ranks');
    }
  });
  return table;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
