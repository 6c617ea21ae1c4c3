import type { ErrorData } from '../errors.js';
import type { TrainSpec } from '../pipeline/spec.js';
import type { TrainerModelSpec as ModelSpec } from './config.js';
import type { LMBatch } from '../types.js';
import type { EpochMetrics, FitResult, GenerateOptions, LrFindResult } from './types.js';

/** The serialisable part of a fit request; batch streams are pulled over IPC. */
export interface FitJob {
  model: ModelSpec; train: TrainSpec; vocab: string[]; checkpointDir: string; resume: boolean; seed: number;
  /** Batches per epoch, for every epoch (the count functions run in the parent). */
  batchCounts: number[]; stopAfterSteps?: number; checkpointSeconds: number; encoder?: string;
}
export interface LrFindJob {
  model: ModelSpec; train: TrainSpec; vocab: string[]; seed: number; startLr: number; endLr: number; numIt: number; plotPath?: string;
}

export type StreamKind = 'train' | 'valid';

/**
 * Backend names live here rather than in backend.ts: the parent validates `--backend` against
 * them, and backend.ts imports TensorFlow.js, which the parent never needs.
 */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export interface BackendInfo { backend: string; device: string }

export type ToChild =
  | { type: 'fit'; id: number; job: FitJob }
  | { type: 'lrfind'; id: number; job: LrFindJob }
  | { type: 'generate'; id: number; job: GenerateOptions }
  | { type: 'batch'; sid: number; batch: LMBatch }
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
  | { type: 'done'; id: number; result: Omit<FitResult, 'maxInFlight' | 'window'> | LrFindResult | number[][] }
  /** A job failed (or, with id 0, the backend did not start): WordmillError.toJSON, rebuilt with fromJSON. */
  | { type: 'error'; id: number; error: ErrorData };

/** Batches the trainer keeps requested ahead of use. */
export const CREDIT_WINDOW = 4;
