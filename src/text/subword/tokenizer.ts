import type { Tokenizer } from '../tokenizer.js';
import { bpeEncode } from './bpe.js';
import { PIECE, type SentencePieceModel } from './model-file.js';
import { Normalizer, SPACE } from './normalizer.js';
import { PieceIndex } from './pieces.js';
import { viterbi } from './unigram.js';
import { NORMALIZED, WordEncoder, type WordScan } from './words.js';

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
  /** The per-word encoder, when the model allows it (see above). */
  private readonly encoder: WordEncoder | undefined;
  /** How to find words in the raw text, when the normalizer is one the scan can do itself. */
  private readonly rawScan: WordScan | undefined;

  constructor(readonly model: SentencePieceModel) {
    if (model.trainer.modelType !== 'unigram' && model.trainer.modelType !== 'bpe') {
      throw new Error(`${model.trainer.modelType} SentencePiece models are not supported (unigram and bpe are)`);
    }
    if (model.trainer.byteFallback) throw new Error('SentencePiece models with byte_fallback are not supported');
    this.index = new PieceIndex(model.pieces);
    this.vocab = model.pieces.map((p) => p.piece);
    this.userDefined = model.pieces.filter((p) => p.type === PIECE.USER_DEFINED).map((p) => p.piece);
    this.normalizer = new Normalizer(model.normalizer, this.userDefined, model.trainer.treatWhitespaceAsSuffix);
    const perWord = !model.trainer.treatWhitespaceAsSuffix && model.pieces.every((p) => p.piece.indexOf(SPACE, 1) < 0);
    this.encoder = perWord ? new WordEncoder(this.index, this.userDefined, model.trainer.modelType === 'unigram') : undefined;
    this.rawScan = perWord ? this.normalizer.wordScan : undefined;
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

  /**
   * Ids of `text` into the word encoder's buffer (its `count` of them), consecutive unknowns
   * merged; identity normalization is done as the words are scanned, without a normalized copy.
   */
  private run(text: string): Int32Array {
    const enc = this.encoder!;
    if (this.rawScan) enc.run(text, this.rawScan);
    else enc.run(this.normalize(text), NORMALIZED);
    return enc.ids;
  }

  /** (id, start, end) triples over `norm` for a model that is not segmented word by word, unknowns merged. */
  private whole(norm: string): number[] {
    const triples: number[] = [];
    this.segment(norm, triples);
    const out: number[] = [];
    const unk = this.index.unkId;
    for (let k = 0; k < triples.length; k += 3) {
      const id = triples[k];
      if (id === unk && out.length && out[out.length - 3] === unk) out[out.length - 1] = triples[k + 2];
      else out.push(id, triples[k + 1], triples[k + 2]);
    }
    return out;
  }

  /** Ids and pieces of `text`, as `encode(text)` and `encode(text, out_type=str)`. */
  encodeWithPieces(text: string): { ids: number[]; pieces: string[] } {
    const norm = this.normalize(text);
    const ids: number[] = [];
    const pieces: string[] = [];
    if (this.encoder) {
      const enc = this.encoder;
      const n = enc.run(norm, NORMALIZED, true);
      for (let k = 0; k < n; k++) { ids.push(enc.ids[k]); pieces.push(norm.slice(enc.starts[k], enc.ends[k])); }
    } else {
      const t = this.whole(norm);
      for (let k = 0; k < t.length; k += 3) { ids.push(t[k]); pieces.push(norm.slice(t[k + 1], t[k + 2])); }
    }
    return { ids, pieces };
  }

  /** `encode(text)`: the ids alone, consecutive unknowns merged. */
  encode(text: string): number[] {
    if (!this.encoder) return this.whole(this.normalize(text)).filter((_, k) => k % 3 === 0);
    const ids = this.run(text);
    const n = this.encoder.count;
    // Sized once: pushing grew the array by copies, garbage that was a tenth of a warm encode.
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[k] = ids[k];
    return out;
  }

  /** `encode(text)` as a fresh Int32Array (what a pool worker sends, transferred). */
  encodeIds(text: string): Int32Array {
    if (!this.encoder) return Int32Array.from(this.encode(text));
    return this.run(text).slice(0, this.encoder.count);
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
