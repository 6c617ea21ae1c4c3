import { Rng } from '../../batch/rng.js';

/**
 * What the subword trainer reads from a split: a uniform reservoir sample of at most `cap` lines
 * (sentencepiece's `input_sentence_size`; sentencepiece itself keeps every line in memory,
 * google/sentencepiece#708), and fastai's default vocabulary size from the distinct
 * whitespace-separated words, whose count stops growing once it alone decides the answer.
 */
export class SentenceSample {
  readonly lines: string[] = [];
  seen = 0;
  private readonly words = new Set<string>();
  private wordsCapped = false;
  private readonly rng: Rng;

  constructor(private readonly cap: number, seed: number, private readonly maxVocabSz: number) {
    this.rng = new Rng(seed, 0x5eb);
  }

  /** One document's text after the rules: each line is a sentence, as in fastai's training file. */
  addText(text: string): void {
    for (const line of text.split('\n')) this.addLine(line);
  }

  addLine(line: string): void {
    if (!this.wordsCapped) {
      for (const w of line.split(/\s+/)) if (w) this.words.add(w);
      // fastai's _get_vocab_sz returns max_vocab_sz as soon as a quarter of the words exceeds it.
      if (this.words.size / 4 > this.maxVocabSz) { this.wordsCapped = true; this.words.clear(); }
    }
    if (this.lines.length < this.cap) this.lines.push(line);
    else {
      const j = this.rng.randint(0, this.seen);
      if (j < this.cap) this.lines[j] = line;
    }
    this.seen++;
  }

  /** fastai's `_get_vocab_sz`: a quarter of the distinct words, up to a multiple of 8, at least 29. */
  fastaiVocabSize(): number {
    if (this.wordsCapped) return this.maxVocabSz;
    let res = Math.floor(this.words.size / 4);
    while (res % 8 !== 0) res++;
    return Math.max(res, 29);
  }
}
