import { WordmillError } from '../errors.js';
import { FAKE_TOKEN, findPad, findUnk } from './specials.js';

/** Largest vocabulary whose ids fit in a uint16 (ids 0..65535). */
export const MAX_UINT16_VOCAB = 65536;

/**
 * A vocabulary: `itos` (id → token), counts aligned with it, and the reverse lookup. Like fastai's
 * `o2i` (a defaultdict built without `xxfake`), unknown tokens and a literal `xxfake` map to unk.
 */
export class Vocab {
  readonly itos: readonly string[];
  /** Corpus count of each entry (0 for specials never seen, fakes, or a vocabulary loaded without counts). */
  readonly counts: Float64Array;
  /** Id of the unknown token, or -1 when the vocabulary has none (encoding an unknown token then fails). */
  readonly unk: number;
  /** Id of the padding token, or -1 when the vocabulary has none. */
  readonly pad: number;
  private lookup: Map<string, number> | undefined;

  constructor(itos: readonly string[], counts?: ArrayLike<number>) {
    this.itos = itos;
    this.counts = new Float64Array(itos.length);
    if (counts) {
      if (counts.length !== itos.length) {
        throw new WordmillError('WM_ERR_VOCAB', `vocabulary has ${itos.length} entries but ${counts.length} counts`);
      }
      this.counts.set(counts);
    }
    this.unk = findUnk(itos);
    this.pad = findPad(itos);
  }

  /** Built on first use: opening a store for batches never needs it (≈10 ms for 60k entries). */
  private get o2i(): Map<string, number> {
    if (!this.lookup) {
      this.lookup = new Map();
      // First occurrence wins so a duplicated entry keeps its lowest id.
      for (let i = this.itos.length - 1; i >= 0; i--) if (this.itos[i] !== FAKE_TOKEN) this.lookup.set(this.itos[i], i);
    }
    return this.lookup;
  }

  get size(): number {
    return this.itos.length;
  }

  /** 16 when every id fits a uint16, else 32: the token store's element width. */
  get idWidth(): 16 | 32 {
    return this.itos.length <= MAX_UINT16_VOCAB ? 16 : 32;
  }

  has(token: string): boolean {
    return this.o2i.has(token);
  }

  /** The id of `token`; unknown → unk id (-1 when there is no unk token). */
  stoi(token: string): number {
    return this.o2i.get(token) ?? this.unk;
  }

  encode(tokens: readonly string[]): Uint32Array {
    const out = new Uint32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.stoi(tokens[i]);
      if (id < 0) {
        throw new WordmillError('WM_ERR_VOCAB', `token ${JSON.stringify(tokens[i])} is not in the vocabulary and it has no unknown token`, { actual: tokens[i] });
      }
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const t = this.itos[ids[i]];
      if (t === undefined) throw new WordmillError('WM_ERR_VOCAB', `id ${ids[i]} is outside the vocabulary (size ${this.itos.length})`, { actual: String(ids[i]) });
      out[i] = t;
    }
    return out;
  }

  toJSON(): { itos: string[]; counts: number[] } {
    return { itos: [...this.itos], counts: Array.from(this.counts) };
  }
}
