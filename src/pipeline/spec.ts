import type { BatchKind } from '../batch/index.js';
import type { TokenizerName } from '../text/tokenizer.js';
import type { SubwordSpec } from '../text/subword/options.js';
import type { Arch } from '../train/models/names.js';
import type { RecipeSpec } from '../train/recipe.js';

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
  | 'lines-joined' // lines joined with `joiner` into one stream (fastai's Human Numbers)
  | 'csv' // one document per row, text and label from columns (fastai's from_csv / from_df)
  | 'tsv' // the same, tab-separated
  | 'jsonl'; // one document per JSON object line, text and label from keys (Hugging Face datasets' JSON Lines)

/** A column by header name, or by position (0-based) in a table without a header. */
export type Column = string | number;

/**
 * Where a table member's label comes from. `delim` (fastai's `label_delim`: multi-label) and
 * `kind: 'regression'` (a float target) are part of the format but refused for now.
 */
export interface LabelColumn {
  column: Column;
  delim?: string;
  kind?: 'category' | 'multi-category' | 'regression';
}

/**
 * How documents of a rule are moved to a validation split: by a boolean column (fastai's
 * `valid_col`), or by `pct` (fastai's `valid_pct`, default 0.2 where a labelled corpus has no
 * validation folder or column): a document goes to `split` (default `valid`) when the first 32 bits
 * of sha256(`seed`, its id) fall below pct × 2³² — the same documents whatever the order or worker
 * count, about `pct` of them.
 */
export interface ValidRule {
  column?: Column;
  pct?: number;
  seed?: number;
  split?: string;
}

export interface MemberRule {
  /** Glob over member paths (picomatch syntax), e.g. `aclImdb/train/pos/*.txt`. */
  glob: string;
  split: string;
  /** A fixed label for every document of the rule (a `train/<label>/` folder), or a table column. */
  label?: string | LabelColumn;
  docs: DocMode;
  /** Table members (`csv`, `tsv`, `jsonl`): the text column (default `text`, or 0 without a header). */
  text?: { column: Column };
  /** Table members: whether the first row is a header (default true). */
  header?: boolean;
  valid?: ValidRule;
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
  /** This rule's members that are not text: `error` (default, naming the member) or `skip` (listed in the summary). */
  binary?: 'error' | 'skip';
}

export type Source =
  | { kind: 'embedded'; name: 'human-numbers' }
  | { kind: 'files'; files: RemoteFile[]; members: MemberRule[]; binary?: 'error' | 'skip' };

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
  /** Unicode version of the Python whose fastai output is matched (text/options.ts): `14.0` = Python 3.11. */
  unicode?: string;
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
  /** A registered model (train/models/names.ts). */
  arch: Arch;
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
  /** The ULMFiT recipe for a labelled corpus (train/recipe.ts owns its schema and defaults). */
  classifier?: Partial<RecipeSpec>;
}
