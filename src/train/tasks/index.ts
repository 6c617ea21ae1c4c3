import { resolveModel } from '../config.js';
import type { FitJob } from '../protocol.js';
import { taskInfo } from '../task.js';
import { lmTask } from './lm.js';
import type { TaskRun } from './types.js';

/** The trainer side of the job's task, with freshly initialised weights. */
export function createTask(job: FitJob): TaskRun {
  const kind = taskInfo(job.task ?? 'lm').checkpoint;
  if (kind === 'lm') return lmTask(resolveModel(job.model, job.vocab.length), job.seed);
  throw new Error(`task ${kind} is not available yet`);
}

export type { TaskRun } from './types.js';
