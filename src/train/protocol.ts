import { WordmillError, type ErrorData } from '../errors.js';
import { named, z } from '../schema/index.js';
import type { TrainSpec } from '../pipeline/spec.js';
import type { TrainerModelSpec as ModelSpec } from './config.js';
import type { Batch, ClsBatch, LMBatch } from '../types.js';
import type { ClassifierSpec, TaskKind } from './task.js';
import type { SuggestMethod } from './suggest.js';
import type { EpochMetrics, FitResult, GenerateOptions, LrFindResult } from './types.js';

/**
 * Where a job's weights start (init.ts), the same for fit and lrfind: `init` (a previous stage's
 * checkpoint), else `train.init` (hf:DIR, pretrained GPT-2), else `encoder` (a saveEncoder file),
 * else the model's random initialisation from `seed`.
 */
export interface StartWeights { train: TrainSpec; vocab: string[]; init?: string; encoder?: string }

/** The serialisable part of a fit request; batch streams are pulled over IPC. */
export interface FitJob extends StartWeights {
  model: ModelSpec; checkpointDir: string; resume: boolean; seed: number;
  /** Batches per epoch, for every epoch (the count functions run in the parent). */
  batchCounts: number[]; stopAfterSteps?: number; checkpointSeconds: number;
  task: TaskKind; classifier?: ClassifierSpec; freezeTo?: number; lrLow?: number;
  moms?: [number, number, number];
}
/** A language model's lr-find, from the weights a fit job with the same StartWeights would train. */
export interface LrFindJob extends StartWeights {
  model: ModelSpec; seed: number; startLr: number; endLr: number; numIt: number; plotPath?: string;
  /** fastai suggestion functions to apply, in order; the first is `suggestion`. */
  suggest?: SuggestMethod[];
}

/** Class probabilities for the batches of one `valid` stream, from a classifier checkpoint. */
export interface PredictJob { checkpoint: string }
/** Row r of the batches: its document `index[r]` and class probabilities `probs[r]` (in `classes` order). */
export interface PredictResult { classes: string[]; index: number[]; probs: number[][] }

export type StreamKind = 'train' | 'valid';

/**
 * Backend names live here rather than in backend.ts: the parent validates `--backend` against
 * them, and backend.ts imports TensorFlow.js, which the parent never needs.
 */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];
/** `--backend` and the trainer's `backend` option: one rule, one message. */
export const backendSchema = named(BACKENDS, 'backend');
/**
 * Threads of the trainer's CPU backend (wasm: XNNPACK's pool through tfjs's threaded binary).
 * `auto` is every core Node reports (os.availableParallelism()); travels to the child as
 * WORDMILL_THREADS.
 */
export const threadsSchema = z.union([z.literal('auto'), z.int().min(1).max(256)]);
export type ThreadsChoice = z.infer<typeof threadsSchema>;
/** The same rule for text (`--threads`, WORDMILL_THREADS), whose message says what is allowed. */
export const threadsTextSchema = z.string().transform((v, ctx): ThreadsChoice => {
  if (v === 'auto') return v;
  const n = Number(v);
  if (/^\d+$/.test(v) && n >= 1 && n <= 256) return n;
  ctx.addIssue({ code: 'custom', message: `must be auto or a whole number from 1 to 256 (got "${v}")` });
  return z.NEVER;
});
export interface BackendInfo { backend: string; device: string }

export type ToChild =
  | { type: 'fit'; id: number; job: FitJob }
  | { type: 'lrfind'; id: number; job: LrFindJob }
  | { type: 'generate'; id: number; job: GenerateOptions }
  | { type: 'predict'; id: number; job: PredictJob }
  | { type: 'batch'; sid: number; batch: Batch }
  | { type: 'end'; sid: number }
  /** The parent's batch source failed: the trainer's stream rethrows it (WordmillError.fromJSON). */
  | { type: 'fail'; sid: number; error: ErrorData };

export type ToParent =
  | ({ type: 'ready' } & BackendInfo)
  | { type: 'open'; sid: number; stream: StreamKind; epoch: number; startBatch: number }
  /** Grants the parent `n` more batches on stream `sid`; `consumed` counts batches taken so far. */
  | { type: 'credit'; sid: number; n: number; consumed: number }
  | { type: 'close'; sid: number }
  | { type: 'step'; id: number; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; id: number; metrics: EpochMetrics }
  | { type: 'log'; line: string }
  | { type: 'done'; id: number; result: Omit<FitResult, 'maxInFlight' | 'window'> | LrFindResult | number[][] | PredictResult }
  /** A job failed (or, with id 0, the backend did not start): WordmillError.toJSON, rebuilt with fromJSON. */
  | { type: 'error'; id: number; error: ErrorData };

/** Batches the trainer keeps requested ahead of use. */
export const CREDIT_WINDOW = 4;

/**
 * A source's batch as it crosses to the trainer: tagged with the kind the task expects, only the
 * fields of that kind (a typed array each, sent by structured clone), shapes checked here so a
 * bad batch fails in the parent, naming its number, instead of as a tensor error in the trainer.
 */
export function packBatch(kind: Batch['kind'], b: LMBatch | ClsBatch, n: number): Batch {
  const bad = (why: string): never => { throw new WordmillError('WM_ERR_TRAIN', `batch ${n}: ${why}`); };
  const { bs, seqLen } = b;
  if (!(b.x instanceof Int32Array) || b.x.length !== bs * seqLen) bad(`has ${b.x?.length} ids for bs ${bs} × seqLen ${seqLen}`);
  if (kind === 'lm') {
    const y = (b as LMBatch).y;
    if (!(y instanceof Int32Array) || y.length !== b.x.length) bad('a language-model batch needs targets y of the same shape as x (is this a classification stream?)');
    return { kind, x: b.x, y, bs, seqLen };
  }
  const c = b as ClsBatch;
  for (const f of ['lengths', 'labels', 'index'] as const) {
    if (!(c[f] instanceof Int32Array) || c[f].length !== bs) bad(`a classification batch needs ${f} (one per row, ${bs}); is this a language-model stream?`);
  }
  return { kind, x: c.x, lengths: c.lengths, labels: c.labels, index: c.index, bs, seqLen };
}
