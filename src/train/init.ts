import { WordmillError } from '../errors.js';
import { readCheckpoint } from './checkpoint.js';
import { restoreParams } from './state.js';
import { loadEncoder } from './encoder.js';
import { hfDirOf, isHfRef } from './hf/index.js';
import { pretrainedGpt2 } from './hf/model.js';
import type { BaseConfig } from './models/types.js';
import type { TaskRun } from './tasks/index.js';
import type { StartWeights } from './protocol.js';

/**
 * A fresh model's starting weights: a previous stage's checkpoint (`init`), else pretrained GPT-2
 * (`train.init` hf:DIR), else a `saveEncoder` file (`encoder`, rows remapped to this vocabulary),
 * else the task's own initialisation. One function for fit and lr-find, so the learning-rate finder
 * sweeps the weights training would start from (fastai's lr_find runs on the learner's weights).
 */
export async function initialWeights(job: StartWeights, task: TaskRun): Promise<void> {
  if (!job.init && isHfRef(job.train.init)) {
    restoreParams(task.params, await pretrainedGpt2(hfDirOf(job.train.init), task.config as unknown as BaseConfig, job.vocab.length));
    return;
  }
  const from = job.init ?? job.encoder;
  if (!from) return;
  const src = job.init ? (await readCheckpoint(job.init)).tensors : (await loadEncoder(job.encoder!, job.vocab)).tensors;
  let matched = 0;
  for (const [k, v] of task.params) {
    const data = src.get(`param/${k}`);
    if (!data) continue;
    matched++;
    if (data.length !== v.size) {
      throw new WordmillError('WM_ERR_CHECKPOINT', `${from}: ${k} has ${data.length} values, the model needs ${v.size} (different emb/hidden/layers?)`, { path: from });
    }
  }
  if (matched === 0) throw new WordmillError('WM_ERR_CHECKPOINT', `${from} holds none of this model's weights (another arch?)`, { path: from });
  restoreParams(task.params, src);
}
