import { PIECE, type Piece } from './model-file.js';
import { PieceTrie } from './trie.js';

/**
 * The pieces encoding can produce, as sentencepiece's `pieces_` map: NORMAL, USER_DEFINED and UNUSED
 * pieces by text (UNUSED ones are found but never used), with a prefix set so a left-to-right scan
 * stops as soon as no piece can start with what it has read (a trie, in hash form).
 */
export class PieceIndex {
  readonly ids = new Map<string, number>();
  readonly prefixes = new Set<string>();
  readonly maxLength: number;
  readonly minScore: number;
  readonly maxScore: number;
  readonly unkId: number;
  readonly trie: PieceTrie;

  constructor(readonly pieces: readonly Piece[]) {
    let maxLength = 0;
    let min = Infinity;
    let max = 1.1754943508222875e-38; // FLT_MIN, sentencepiece's starting value
    let unk = -1;
    pieces.forEach((p, id) => {
      if (p.type === PIECE.UNKNOWN && unk < 0) unk = id;
      if (p.type !== PIECE.NORMAL && p.type !== PIECE.USER_DEFINED && p.type !== PIECE.UNUSED) return;
      if (!this.ids.has(p.piece)) this.ids.set(p.piece, id);
      for (let k = 1; k < p.piece.length; k++) this.prefixes.add(p.piece.slice(0, k));
      maxLength = Math.max(maxLength, p.piece.length);
      if (p.type === PIECE.NORMAL) {
        min = Math.min(min, p.score);
        max = Math.max(max, p.score);
      }
    });
    if (unk < 0) throw new Error('the model has no unknown piece');
    this.maxLength = maxLength;
    this.minScore = min === Infinity ? 0 : min;
    this.maxScore = max;
    this.unkId = unk;
    this.trie = new PieceTrie(this.ids);
  }

  isUnused(id: number): boolean {
    return this.pieces[id].type === PIECE.UNUSED;
  }

  isUserDefined(id: number): boolean {
    return this.pieces[id].type === PIECE.USER_DEFINED;
  }
}

/** UTF-16 units of the code point at `i`. */
export const charWidth = (s: string, i: number): number => {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
};

/** UTF-8 bytes of `s` (user-defined scores count bytes, as sentencepiece's byte positions do). */
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
