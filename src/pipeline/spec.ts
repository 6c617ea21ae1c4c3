import type { BatchKind } from '../batch/index.js';
import type { TokenizerName } from '../text/tokenizer.js';
import type { SubwordSpec } from '../text/subword/options.js';

/**
 * A pipeline spec: one declarative JSON file per corpus in `pipelines/` (DESIGN §3). Every section
 * but `source` has defaults; any option can be overridden on the command line (`--set vocab.minFreq=1`).
 */
export interface RemoteFile {
  /** http(s)://, file://, a local path, or `npm:<name>@<version>` (resolved against the configured npm registry). */
  url: string;
  /** Hex sha256 of the file, when published. */
  sha256?: string;
  /** SRI integrity string (`sha512-…`), as npm publishes. */
  integrity?: string;
  /** Size in bytes; verified when no digest is known. */
  size?: number;
  /** Hex md5 / sha1, for sources that publish only those (torchtext, d2l); verified too. */
  md5?: string;
  sha1?: string;
}

/** How one archive member becomes documents. */
export type DocMode =
  | 'file' // the whole member is one document (IMDB)
  | 'lines' // one document per non-empty line (PTB)
  | 'wikitext-articles' // split on top-level ` = Title = ` headings (fastai's WikiText handling)
  | 'stream' // the whole member as one stream (torchtext WikiText)
  | 'lines-joined'; // lines joined with `joiner` into one stream (fastai's Human Numbers)

export interface MemberRule {
  /** Glob over member paths (picomatch syntax), e.g. `aclImdb/train/pos/*.txt`. */
  glob: string;
  split: string;
  label?: string;
  docs: DocMode;
  /** For `lines-joined`: the separator (Human Numbers uses ' . '). */
  joiner?: string;
  /** Strip `word/tag` POS tags (Brown). */
  stripTags?: boolean;
  /**
   * Keep only every `every`-th member this glob matches, counted in sorted path order, starting at
   * `offset` (fastai's Brown parity split: valid = `every: 10, offset: 9`). Members the filter drops
   * fall through to the next rule.
   */
  every?: number;
  offset?: number;
}

export type Source =
  | { kind: 'embedded'; name: 'human-numbers' }
  | { kind: 'files'; files: RemoteFile[]; members: MemberRule[] };

export interface TextSpec {
  /** `none`, `fastai` (v2 text_proc_rules), `fastai-wikitext` (v0.7 fixup then fastai), or rule names. */
  rules: string | string[];
  tokenizer: TokenizerName;
  /** `subword` (fastai's SubwordTokenizer): the SentencePiece model, given or trained (text/subword/options.ts). */
  subword?: SubwordSpec;
  /**
   * Feed the tokenizer the raw document, skipping `rules` (default: true for `gpt2`, which saw raw
   * text in pre-training, false otherwise).
   */
  raw?: boolean;
  /** Prepend `xxbos` (fastai) — implied by the fastai rule set. */
  bos?: boolean;
  eos?: boolean;
}

export interface VocabSpec {
  minFreq: number;
  maxVocab: number;
  /** `fastai` (xxunk, xxpad, xxbos …), `torchtext` (<unk>), `none`, or an explicit list. */
  specials: 'fastai' | 'torchtext' | 'none' | string[];
  /** `count` (descending, ties by first appearance) or `first` (first appearance, as fastbook's `L(tokens).unique()`). */
  order: 'count' | 'first';
  /** Pad with `xxfake` to a multiple of this (fastai: 8; 0 = no padding). */
  padMultiple: number;
  /** Load the vocabulary from a file instead of building it. */
  file?: string;
}

export interface BatchSpec {
  kind: BatchKind;
  bs: number;
  seqLen: number;
  shuffle?: boolean;
  seed?: number;
}

export interface ModelSpec {
  arch: 'lstm' | 'gru' | 'rnn' | 'awd-lstm';
  emb: number;
  hidden: number;
  layers: number;
  tied: boolean;
  dropout: number;
  dropMult?: number;
  /** Activation regularization (alpha) and temporal AR (beta). */
  alpha?: number;
  beta?: number;
  /**
   * An adaptive softmax output layer (PyTorch's AdaptiveLogSoftmaxWithLoss): the head covers ids
   * below `cutoffs[0]`, each tail cluster a range between cutoffs with `emb / div^k` dims. 5–10×
   * faster per step with a large vocabulary (BENCHMARKS.md, Trainer); needs `tied: false`.
   */
  adaptive?: { cutoffs: number[]; div?: number };
}

export interface TrainSpec {
  epochs: number;
  lr: number;
  wd: number;
  schedule: 'one-cycle' | 'constant';
  betas: [number, number];
  clip?: number;
  prompt?: string;
  generateWords?: number;
}

export interface PipelineSpec {
  name: string;
  description?: string;
  /** Citation or home page, shown by `wordmill datasets`. */
  homepage?: string;
  source: Source;
  /** Which splits train and validate. */
  splits: { train: string; valid?: string; test?: string };
  text: TextSpec;
  vocab: VocabSpec;
  batch: BatchSpec;
  model: ModelSpec;
  train: TrainSpec;
}
