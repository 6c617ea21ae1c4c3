import type { Tokenizer } from '../tokenizer.js';
import { bpeEncode } from './bpe.js';
import { PIECE, type SentencePieceModel } from './model-file.js';
import { Normalizer, SPACE } from './normalizer.js';
import { PieceIndex } from './pieces.js';
import { MAX_CACHED_CHARS, SegmentCache } from './segments.js';
import { safeAt, stepScores, viterbi } from './unigram.js';

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
export class SubwordTokenizer implements Tokenizer {
  readonly name = 'subword';
  readonly vocab: readonly string[];
  readonly index: PieceIndex;
  private readonly normalizer: Normalizer;
  private readonly userDefined: string[];
  private readonly perWord: boolean;
  private readonly cache = new SegmentCache();

  constructor(readonly model: SentencePieceModel) {
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

  /** The cache slot of a word's segmentation from path score 0, segmenting it on a miss. */
  private word(norm: string, s: number, e: number): number {
    const h = SegmentCache.hash(norm, s, e);
    const slot = this.cache.find(norm, s, e, h);
    if (slot >= 0) return slot;
    const word = norm.slice(s, e);
    const triples: number[] = [];
    let r = { score: 0, minGap: Infinity };
    if (this.model.trainer.modelType === 'unigram') r = viterbi(this.index, word, triples);
    else bpeEncode(this.index, this.userDefined, word, triples);
    return this.cache.add(norm, s, e, h, triples, stepScores(this.index, word, triples), r.score, r.minGap);
  }

  /**
   * (id, start, end) triples over `norm` (ids alone with `idsOnly`, consecutive unknowns merged):
   * word by word from the cache, each unigram word's cached path checked against the path score
   * it starts from, and segmented again from that score when rounding could change it.
   */
  private triples(norm: string, idsOnly = false): number[] {
    const out: number[] = [];
    if (!this.perWord) {
      this.segment(norm, out);
      return idsOnly ? out.filter((_, k) => k % 3 === 0) : out;
    }
    const unk = this.index.unkId;
    const unigram = this.model.trainer.modelType === 'unigram';
    const cache = this.cache;
    const { pool, steps } = cache;
    const local: number[] = [];
    let base = 0;
    for (let s = 0; s < norm.length;) {
      let e = norm.indexOf(SPACE, s + 1);
      if (e < 0) e = norm.length;
      local.length = 0;
      if (e - s > MAX_CACHED_CHARS) {
        if (unigram) base = viterbi(this.index, norm.slice(s, e), local, base).score;
        else bpeEncode(this.index, this.userDefined, norm.slice(s, e), local);
      } else {
        const slot = this.word(norm, s, e);
        const count = cache.counts[slot];
        if (unigram && base !== 0 && !safeAt(base, cache.scores[slot], e - s, cache.gaps[slot])) {
          base = viterbi(this.index, norm.slice(s, e), local, base).score;
        } else {
          if (unigram) for (let k = cache.stepAt[slot], end = k + count; k < end; k++) base = Math.fround(steps[k] + base);
          const at = cache.idsAt(slot);
          for (let k = 0; k < count; k++) {
            const id = pool[at + k];
            if (idsOnly) {
              if (id !== unk || out.length === 0 || out[out.length - 1] !== unk) out.push(id);
            } else out.push(id, k === 0 ? s : s + pool[at + count + k - 1], s + pool[at + count + k]);
          }
          s = e;
          continue;
        }
      }
      if (idsOnly) {
        for (let k = 0; k < local.length; k += 3) if (local[k] !== unk || out.length === 0 || out[out.length - 1] !== unk) out.push(local[k]);
      } else for (let k = 0; k < local.length; k += 3) out.push(local[k], local[k + 1] + s, local[k + 2] + s);
      s = e;
    }
    return out;
  }

  /** Ids and pieces of `text`, as `encode(text)` and `encode(text, out_type=str)`. */
  encodeWithPieces(text: string): { ids: number[]; pieces: string[] } {
    const norm = this.normalize(text);
    const triples = this.triples(norm);
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

  /** `encode(text)`: the ids alone, consecutive unknowns merged. */
  encode(text: string): number[] {
    const ids = this.triples(this.normalize(text), true);
    if (this.perWord) return ids;
    const unk = this.index.unkId;
    return ids.filter((id, i) => id !== unk || i === 0 || ids[i - 1] !== unk);
  }

  /** The pieces' vocabulary texts (an unknown stretch is the unk piece, `<unk>`), so the store's lookup is exact. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.vocab[id]);
  }

  /** Piece texts as `encode(out_type=str)`: an unknown stretch is its surface text. */
  pieces(text: string): string[] {
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
