import { PIECE, type Piece } from './model-file.js';
import { DoubleArrayTrie } from './double-array.js';

/** sentencepiece's unigram kUnkPenalty: an unknown node scores min_score - 10. */
const UNK_PENALTY = 10;

/**
 * The pieces encoding can produce, as sentencepiece's `pieces_` map: NORMAL, USER_DEFINED and UNUSED
 * pieces by text (UNUSED ones are found but never used), and for the Viterbi scan a trie of them
 * (an UNUSED piece ends no path there) with each id's score and kind in typed arrays: reading
 * them from the piece objects was a third of the scan.
 */
export class PieceIndex {
  readonly ids = new Map<string, number>();
  readonly maxLength: number;
  readonly minScore: number;
  readonly maxScore: number;
  readonly unkId: number;
  readonly trie: DoubleArrayTrie;
  /**
   * What a piece adds to a path score, as the Viterbi scan adds it: its score; for a user-defined
   * piece `utf8 bytes * max_score - 0.1`, as sentencepiece scores it; for the unknown piece (never
   * matched as text, so its id always means an unknown node) `min_score - 10` in float32.
   */
  readonly addends: Float64Array;
  /** 1 for a user-defined piece (its candidate score is compared before float32 rounding). */
  readonly userDefined: Uint8Array;
  /** Each piece's score as the model gives it (BPE merges by it): a typed array, not a load from each piece object. */
  readonly scores: Float64Array;

  constructor(readonly pieces: readonly Piece[]) {
    let maxLength = 0;
    let min = Infinity;
    let max = 1.1754943508222875e-38; // FLT_MIN, sentencepiece's starting value
    let unk = -1;
    pieces.forEach((p, id) => {
      if (p.type === PIECE.UNKNOWN && unk < 0) unk = id;
      if (p.type !== PIECE.NORMAL && p.type !== PIECE.USER_DEFINED && p.type !== PIECE.UNUSED) return;
      if (!this.ids.has(p.piece)) this.ids.set(p.piece, id);
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
    this.userDefined = Uint8Array.from(pieces, (p) => (p.type === PIECE.USER_DEFINED ? 1 : 0));
    this.scores = Float64Array.from(pieces, (p) => p.score);
    this.addends = Float64Array.from(pieces, (p) => (p.type === PIECE.USER_DEFINED ? utf8Bytes(p.piece) * max - 0.1 : p.score));
    this.addends[unk] = Math.fround(this.minScore - UNK_PENALTY);
    const usable = new Map<string, number>();
    for (const [text, id] of this.ids) usable.set(text, this.isUnused(id) ? -1 : id);
    this.trie = new DoubleArrayTrie(usable);
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
