import type { SuggestMethod, Suggestion } from './suggest.js';
import type { ClsBatch, LMBatch } from '../types.js';
import type { TrainSpec } from '../pipeline/spec.js';
import type { TrainerModelSpec as ModelSpec } from './config.js';
import type { BackendChoice, ThreadsChoice } from './protocol.js';
import type { ClassifierSpec, TaskKind } from './task.js';

/** One epoch's figures; which optional ones are set is the task's (task.ts: columns and --json). */
export interface EpochMetrics {
  epoch: number; trainLoss: number; validLoss: number; accuracy: number; seconds: number;
  /** Language model: exp(validLoss). */
  perplexity?: number;
  /** Classifier: F1 of the positive class (two classes) or the macro F1. */
  f1?: number;
  /**
   * Classifier: pad ids among the cells (Σ rows × width) of the epoch's training batches, from the
   * parent's sortish stream (the trainer never sees which ids are padding by count).
   */
  padding?: number;
}

/** Language-model batches for the `lm` task, classification batches (with `index`) for `classifier`. */
export type BatchSource = AsyncIterable<LMBatch> | Iterable<LMBatch> | AsyncIterable<ClsBatch> | Iterable<ClsBatch>;

export interface FitOptions {
  /** The pipeline's ModelSpec, optionally with `adaptive: { cutoffs, div }` (TrainerModelSpec). */
  model: ModelSpec;
  train: TrainSpec;
  /** itos, saved in the checkpoint. */
  vocab: string[];
  trainBatches: (epoch: number, startBatch: number) => BatchSource;
  /** Batches in an epoch, for the schedule and progress. */
  trainBatchCount: (epoch: number) => number;
  validBatches: () => BatchSource;
  checkpointDir: string;
  /** Continue from `checkpointDir`'s checkpoint (a finished run returns its metrics unchanged). */
  resume?: boolean;
  seed?: number;
  onEpoch?: (m: EpochMetrics) => void;
  /** Throttled to about one call per 250 ms. */
  onStep?: (s: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** Extension: start from a `saveEncoder` file (transfer learning; rows remapped to `vocab`). */
  encoder?: string;
  /** `lm` (default) or `classifier` (then `classifier` says the classes and the head). */
  task?: TaskKind;
  classifier?: ClassifierSpec;
  /** Start from this checkpoint's weights (the previous stage of a recipe), not from scratch. */
  init?: string;
  /**
   * fastai's freeze_to(n): only layer groups from `n` on train (negative counts from the end; the
   * classifier head is the last group). Default: all train.
   */
  freezeTo?: number;
  /** Discriminative learning rates: `slice(lrLow, train.lr)` spread evenly (geometrically) over the layer groups. */
  lrLow?: number;
  /** One-cycle momentum schedule (start, middle, end); default fastai's (0.95, 0.85, 0.95). */
  moms?: [number, number, number];
  /** Extension: stop (with a checkpoint) after this many optimizer steps in this call, as if interrupted. */
  stopAfterSteps?: number;
  /** Extension: also checkpoint mid-epoch every this many seconds (default 120; 0 = only at epoch ends). */
  checkpointSeconds?: number;
}

export interface FitResult {
  epochs: EpochMetrics[];
  checkpoint: string;
  backend: string;
  device: string;
  /** Fraction of training time the trainer spent waiting for batches. */
  waitFraction: number;
  tokensPerSecond: number;
  /** Extension: the most batches ever sent but not yet consumed, and the credit window. */
  maxInFlight: number;
  window: number;
  /** Extension: false when stopped early by `stopAfterSteps`. */
  completed: boolean;
}

export interface LrFindOptions {
  model: ModelSpec;
  train: TrainSpec;
  vocab: string[];
  trainBatches: (epoch: number, startBatch: number) => BatchSource;
  startLr?: number;
  endLr?: number;
  numIt?: number;
  seed?: number;
  /** Where to write the SVG plot (returned as `plot`). */
  plotPath?: string;
  /** fastai suggestion functions (default `['valley']`, as fastai). */
  suggest?: SuggestMethod[];
  /**
   * The sweep's starting weights, as FitOptions' (`train.init` hf:DIR is honoured too): a checkpoint
   * (`init`) or a `saveEncoder` file (`encoder`); default random from `seed`.
   */
  init?: string;
  encoder?: string;
  /** Each recorded step of the sweep (batch counts from 1), for progress. */
  onStep?: (s: { epoch: number; batch: number; batches: number; loss: number }) => void;
}

/** `suggestion` is the first of `suggestions` (each names the fastai function that computed it). */
export interface LrFindResult { points: { lr: number; loss: number }[]; suggestion: number; suggestions: Suggestion[]; plot?: string }

export interface GenerateOptions {
  checkpoint: string;
  promptIds: number[];
  words: number;
  temperature?: number;
  topK?: number;
  greedy?: boolean;
  samples?: number;
  seed?: number;
  /** Beam search with this many beams (HF's num_beams; 0 or absent: sampling/greedy); `samples` best beams are returned. */
  beams?: number;
  /** Ids never sampled (continuePrompt bans xxunk and xxpad, as fastai's predict does with no_unk=True). */
  banned?: number[];
}

export interface PredictOptions {
  checkpoint: string;
  /** Classification batches (`index`: each row's document position, 0..n−1), in any order. */
  batches: Iterable<ClsBatch> | AsyncIterable<ClsBatch>;
}

/** `probs[i]` belongs to document i of the input; `labels[i]` is its most probable class. */
export interface Predictions { classes: string[]; labels: string[]; probs: number[][] }

export interface TrainerClient {
  readonly backend: string;
  readonly device: string;
  fit(opts: FitOptions): Promise<FitResult>;
  lrFind(opts: LrFindOptions): Promise<LrFindResult>;
  generate(opts: GenerateOptions): Promise<number[][]>;
  /** Class probabilities per document, in input order (`index` of each batch row), from a classifier checkpoint. */
  predict(opts: PredictOptions): Promise<Predictions>;
  close(): Promise<void>;
}

export interface StartOptions {
  backend?: BackendChoice;
  /** CPU threads of the trainer's backend (default `auto`: every core). */
  threads?: ThreadsChoice;
  /**
   * Data-parallel replicas for language-model jobs, each a single-threaded wasm backend (`auto`:
   * one per thread). Default 1: none, tfjs's threaded binary uses the threads. WORDMILL_REPLICAS
   * when absent.
   */
  replicas?: ThreadsChoice;
  signal?: AbortSignal;
  log?: (line: string) => void;
}
