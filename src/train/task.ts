import { WordmillError } from '../errors.js';
import type { EpochMetrics } from './types.js';

/**
 * The tasks the trainer knows, seen from the parent (TensorFlow-free): which batch kind each is
 * fed, its checkpoint kind, its epoch table and metrics file, and the per-epoch fields --json
 * reports. The trainer side of each task (loss, steps, validation) is in tasks/.
 */
export const TASK_KINDS = ['lm', 'classifier'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A classifier's head and data layout, fixed for a run (checkpointed with it). */
export interface ClassifierSpec {
  /** Label names; the batch's `labels` index into them. */
  classes: string[];
  /** fastai's SentenceEncoder: each document is read `bptt` tokens at a time … */
  bptt: number;
  /** … and only the outputs of its last `maxLen` tokens are pooled (and back-propagated). */
  maxLen: number;
  /** Sizes of the hidden linear layers of the PoolingLinearClassifier (fastai: [50]). */
  linFtrs: number[];
  /** Dropouts of those layers (fastai: 0.1 each); the first layer's dropout is the encoder's output dropout. */
  ps?: number[];
  padId: number;
}

interface Column { title: string; width: number; value(m: EpochMetrics): string }

/** What the table shows for a metric there is no data for (no valid split): never `NaN`, which reads as divergence. */
export const NO_VALUE = '—';

const fixed = (k: keyof EpochMetrics, digits: number) => (m: EpochMetrics) => {
  const v = m[k];
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : NO_VALUE;
};

/**
 * Perplexity on the validation set; without one, on the training loss, as d2l reports it (the
 * header then says `train_ppl`, see tableHeader).
 */
const perplexity = (m: EpochMetrics): string => {
  const p = Number.isFinite(m.validLoss) ? m.perplexity : Math.exp(m.trainLoss);
  return typeof p === 'number' && Number.isFinite(p) ? p.toFixed(3) : NO_VALUE;
};

const COMMON_HEAD: Column[] = [
  { title: 'epoch', width: 5, value: (m) => String(m.epoch) },
  { title: 'train_loss', width: 10, value: fixed('trainLoss', 4) },
  { title: 'valid_loss', width: 10, value: fixed('validLoss', 4) },
  { title: 'accuracy', width: 8, value: fixed('accuracy', 4) },
];
/** A share as a percentage: sortish padding is a few per cent, so two decimals. */
const percent = (k: keyof EpochMetrics) => (m: EpochMetrics) => {
  const v = m[k];
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : NO_VALUE;
};
const TIME: Column = { title: 'time', width: 0, value: (m) => `${m.seconds.toFixed(1)}s` };

export interface TaskInfo {
  /** The `Batch.kind` its streams carry. */
  batch: 'lm' | 'cls';
  /** The checkpoint header's `kind`. */
  checkpoint: TaskKind;
  columns: Column[];
  /** EpochMetrics fields this task reports (metrics.csv, --json). */
  fields: (keyof EpochMetrics)[];
}

const TASKS: Record<TaskKind, TaskInfo> = {
  lm: {
    batch: 'lm', checkpoint: 'lm',
    columns: [...COMMON_HEAD, { title: 'perplexity', width: 10, value: perplexity }, TIME],
    fields: ['epoch', 'trainLoss', 'validLoss', 'accuracy', 'perplexity', 'seconds'],
  },
  classifier: {
    batch: 'cls', checkpoint: 'classifier',
    columns: [...COMMON_HEAD, { title: 'f1', width: 6, value: fixed('f1', 4) }, { title: 'padding', width: 7, value: percent('padding') }, TIME],
    fields: ['epoch', 'trainLoss', 'validLoss', 'accuracy', 'f1', 'padding', 'seconds'],
  },
};

export function taskInfo(kind: unknown = 'lm'): TaskInfo {
  if (typeof kind === 'string' && kind in TASKS) return TASKS[kind as TaskKind];
  throw new WordmillError('WM_ERR_OPTION', `task ${JSON.stringify(kind)} is unknown (known: ${TASK_KINDS.join(', ')})`,
    { option: 'task', expected: TASK_KINDS.join(' | '), actual: String(kind) });
}

/** fastai's epoch table: the header line and one row per epoch. */
export const tableHeader = (kind: TaskKind, hasValid = true): string => taskInfo(kind).columns
  .map((c) => (!hasValid && c.title === 'perplexity' ? 'train_ppl' : c.title).padStart(c.width)).join('  ');
export const tableRow = (kind: TaskKind, m: EpochMetrics): string => taskInfo(kind).columns.map((c) => c.value(m).padStart(c.width)).join('  ');

const SNAKE: Partial<Record<keyof EpochMetrics, string>> = { trainLoss: 'train_loss', validLoss: 'valid_loss' };
export const csvHeader = (kind: TaskKind): string => taskInfo(kind).fields.map((f) => SNAKE[f] ?? f).join(',');
/** Empty for a metric there is no data for: a CSV reader sees a missing value, not the string NaN. */
export const csvRow = (kind: TaskKind, m: EpochMetrics): string => taskInfo(kind).fields.map((f) => finiteOr(m[f], '')).join(',');
const finiteOr = <T>(v: unknown, none: T): number | T => (typeof v === 'number' && Number.isFinite(v) ? v : none);

/** The task's fields of each epoch, for --json. */
export const reportEpochs = (kind: TaskKind, ms: EpochMetrics[]): Record<string, number | null>[] =>
  ms.map((m) => Object.fromEntries(taskInfo(kind).fields.filter((f) => m[f] !== undefined).map((f) => [f, finiteOr(m[f], null)])));
