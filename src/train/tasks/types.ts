import type { Batch } from '../../types.js';
import type { Params, ParamShape } from '../params.js';
import type { Dropout } from '../dropout.js';
import type { StepSettings } from '../step.js';
import type { State } from '../models/types.js';
import type { TaskKind } from '../task.js';
import type { EpochMetrics } from '../types.js';

export type ValidMetrics = Omit<EpochMetrics, 'epoch' | 'trainLoss' | 'seconds'>;

/**
 * A task inside the trainer (language model, classifier): it owns the weights it trains, its
 * loss, its validation metrics and what its checkpoints hold beyond the weights. fit.ts runs any
 * task the same way (epochs, schedule, freezing, checkpoints, resume).
 */
export interface TaskRun {
  readonly kind: TaskKind;
  readonly params: Params;
  readonly shapes: ParamShape[];
  /** Layer groups, input side first (fastai's splits): freeze_to and discriminative lrs index these. */
  readonly groups: string[][];
  /** Parameters no optimizer touches (BatchNorm running statistics). */
  readonly buffers: ReadonlySet<string>;
  /** Which weights form the reusable encoder and which have a row per token (header `layout`, read by saveEncoder without TensorFlow.js). */
  readonly layout: { encoder: string[]; vocabRows: string[] };
  /** The checkpoint header's `config` (a resumed run must match it). */
  readonly config: Record<string, unknown>;
  /** Fails before the first step when a batch will not fit (wasm's 4 GiB). */
  checkMemory(backend: string, b: Batch): void;
  /** One optimizer step on `b`; returns the reported loss. */
  train(b: Batch, s: StepSettings, drop: Dropout): Promise<number>;
  /** Tokens `b` feeds (throughput). */
  tokens(b: Batch): number;
  /** The end of an epoch: carried state is dropped. */
  endEpoch(): void;
  validate(next: () => Promise<Batch | undefined>): Promise<ValidMetrics>;
  /** State carried between batches (checkpointed mid-epoch), and its restore. */
  carried(): State | undefined;
  restoreCarried(tensors: Map<string, Float32Array>, bs: number): void;
  dispose(): void;
}
