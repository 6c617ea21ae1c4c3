import type { Tokenizer } from '../tokenizer.js';
import { bpeEncode } from './bpe.js';
import { PIECE, type SentencePieceModel } from './model-file.js';
import { Normalizer, SPACE } from './normalizer.js';
import { PieceIndex } from './pieces.js';
import { pathScore, safeAt, viterbi } from './unigram.js';

/**
 * A SentencePiece model's encoder and decoder, as `SentencePieceProcessor` (sentencepiece 0.2)
 * encodes: normalize, segment (unigram Viterbi or BPE merges), pieces as substrings of the
 * normalized text, consecutive unknown pieces merged into one. `vocab` is the model's pieces in id
 * order, so the store numericalizes by the model's own ids.
 *
 * When no piece holds `▁` past its first character (what sentencepiece trains with its default
 * split_by_whitespace), no piece can cross the start of a `▁`-word, so every path passes through
 * each word start and the best segmentation of a text is that of each word, scored from the path
 * score before it. Words are segmented once and cached (bounded); a unigram word whose cached
 * result could flip under float32 rounding at the current path score (a near tie) is segmented
 * again from that score, so the result is sentencepiece's, bit for bit, not just nearly.
 */
interface Segmentation { triples: number[]; score: number; minGap: number }

export class SubwordTokenizer implements Tokenizer {
  readonly name = 'subword';
  readonly vocab: readonly string[];
  readonly index: PieceIndex;
  private readonly normalizer: Normalizer;
  private readonly userDefined: string[];
  private readonly perWord: boolean;
  private cache = new Map<string, Segmentation>();

  constructor(readonly model: SentencePieceModel, private readonly cacheLimit = 200_000) {
    if (model.trainer.modelType !== 'unigram' && model.trainer.modelType !== 'bpe') {
      throw new Error(`${model.trainer.modelType} SentencePiece models are not supported (unigram and bpe are)`);
    }
    if (model.trainer.byteFallback) throw new Error('SentencePiece models with byte_fallback are not supported');
    this.index = new PieceIndex(model.pieces);
    this.vocab = model.pieces.map((p) => p.piece);
    this.userDefined = model.pieces.filter((p) => p.type === PIECE.USER_DEFINED).map((p) => p.piece);
    this.normalizer = new Normalizer(model.normalizer, this.userDefined, model.trainer.treatWhitespaceAsSuffix);
    this.perWord = !model.trainer.treatWhitespaceAsSuffix && model.pieces.every((p) => p.piece.indexOf(SPACE, 1) < 0);
  }

  get unkId(): number {
    return this.index.unkId;
  }

  normalize(text: string): string {
    return this.normalizer.normalize(text);
  }

  /** (id, start, end) triples over `normalized`, unknowns not yet merged. */
  private segment(normalized: string, out: number[]): void {
    if (this.model.trainer.modelType === 'unigram') viterbi(this.index, normalized, out);
    else bpeEncode(this.index, this.userDefined, normalized, out);
  }

  /** Ids and pieces of `text`, as `encode(text)` and `encode(text, out_type=str)`. */
  encodeWithPieces(text: string): { ids: number[]; pieces: string[] } {
    const norm = this.normalize(text);
    const triples: number[] = [];
    if (!this.perWord) this.segment(norm, triples);
    else {
      const unigram = this.model.trainer.modelType === 'unigram';
      let base = 0;
      for (let s = 0; s < norm.length;) {
        let e = norm.indexOf(SPACE, s + 1);
        if (e < 0) e = norm.length;
        const word = norm.slice(s, e);
        let seg = this.cache.get(word);
        if (seg === undefined) {
          const local: number[] = [];
          const r = unigram ? viterbi(this.index, word, local) : (bpeEncode(this.index, this.userDefined, word, local), { score: 0, minGap: Infinity });
          seg = { triples: local, score: r.score, minGap: r.minGap };
          if (this.cache.size >= this.cacheLimit) this.cache = new Map();
          this.cache.set(word, seg);
        }
        let local = seg.triples;
        if (unigram) {
          if (base === 0 || safeAt(base, seg.score, word.length, seg.minGap)) base = pathScore(this.index, word, local, base);
          else {
            local = [];
            base = viterbi(this.index, word, local, base).score;
          }
        }
        for (let k = 0; k < local.length; k += 3) triples.push(local[k], local[k + 1] + s, local[k + 2] + s);
        s = e;
      }
    }
    const ids: number[] = [];
    const pieces: string[] = [];
    const unk = this.index.unkId;
    for (let k = 0; k < triples.length; k += 3) {
      const id = triples[k];
      const piece = norm.slice(triples[k + 1], triples[k + 2]);
      if (id === unk && ids.length && ids[ids.length - 1] === unk) pieces[pieces.length - 1] += piece;
      else { ids.push(id); pieces.push(piece); }
    }
    return { ids, pieces };
  }

  encode(text: string): number[] {
    return this.encodeWithPieces(text).ids;
  }

  /** Piece texts; an unknown piece is its surface text (as `encode(out_type=str)`). */
  tokenize(text: string): string[] {
    return this.encodeWithPieces(text).pieces;
  }

  /** sentencepiece's `decode(ids)`: pieces joined, `▁` → ' ', the dummy prefix's space dropped, unknown → unk_surface. */
  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) {
      const p = this.model.pieces[id];
      if (p === undefined) throw new Error(`id ${id} is outside the model (${this.model.pieces.length} pieces)`);
      if (p.type === PIECE.CONTROL) continue;
      s += p.type === PIECE.UNKNOWN ? this.model.trainer.unkSurface : p.piece.replaceAll(SPACE, ' ');
    }
    return this.model.normalizer.addDummyPrefix && s.startsWith(' ') ? s.slice(1) : s;
  }

  /** Piece texts → text (unknown surfaces kept as they were). */
  detokenize(pieces: readonly string[]): string {
    const s = pieces.join('').replaceAll(SPACE, ' ');
    return this.model.normalizer.addDummyPrefix && s.startsWith(' ') ? s.slice(1) : s;
  }
}
