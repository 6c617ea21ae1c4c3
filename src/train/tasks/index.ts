import { resolveModel } from '../config.js';
import type { FitJob } from '../protocol.js';
import { taskInfo } from '../task.js';
import { lmTask } from './lm.js';
import { classifierTask } from './classifier.js';
import { WordmillError } from '../../errors.js';
import type { TaskRun } from './types.js';
import type { ReplicaPool } from '../replicas/pool.js';

/**
 * The trainer side of the job's task, with freshly initialised weights (init.ts may replace them).
 * Only the language model uses `replicas`: the classifier's BatchNorm would see each replica's
 * rows alone, and its batch statistics would no longer be the batch's.
 */
export function createTask(job: Pick<FitJob, 'task' | 'model' | 'vocab' | 'seed' | 'classifier'>, replicas?: ReplicaPool): TaskRun {
  const kind = taskInfo(job.task ?? 'lm').checkpoint;
  if (kind === 'lm') return lmTask(resolveModel(job.model, job.vocab.length), job.seed, replicas);
  if (!job.classifier) throw new WordmillError('WM_ERR_OPTION', 'a classifier job needs its classes and head (`classifier`)', { option: 'classifier' });
  return classifierTask(resolveModel(job.model, job.vocab.length, 'encoder'), job.classifier, job.seed);
}

export type { TaskRun } from './types.js';
