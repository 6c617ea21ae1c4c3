import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../errors.js';
import { modelConfigOf, readCheckpoint } from './checkpoint.js';
import { buildClassifier, evalLogits } from './tasks/classifier.js';
import { restoreParams } from './state.js';
import { disposeParams } from './params.js';
import type { Feed } from './feed.js';
import type { PredictJob, PredictResult } from './protocol.js';

/**
 * Class probabilities for every row of the job's batches, each with the row's `index` (its
 * document's position in the input), so the parent can return them in input order whatever
 * order the batches came in (fastai's get_preds returned sortish order for years).
 */
export async function predictJob(job: PredictJob, feed: Feed): Promise<PredictResult> {
  const ck = await readCheckpoint(job.checkpoint);
  if (ck.header.kind !== 'classifier' || !ck.header.classifier) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${job.checkpoint} is a ${ck.header.kind} checkpoint: predict needs a classifier (wordmill classify)`, { path: job.checkpoint });
  }
  const cls = buildClassifier(modelConfigOf(ck.header), ck.header.classifier, 0);
  restoreParams(cls.params, ck.tensors);
  const index: number[] = [];
  const probs: number[][] = [];
  const stream = feed.open('valid', 0, 0);
  try {
    for (let b = await stream.next(); b; b = await stream.next()) {
      if (b.kind !== 'cls') throw new WordmillError('WM_ERR_TRAIN', `predict was sent a ${b.kind} batch`);
      const z = evalLogits(cls, b);
      const sm = tf.softmax(z);
      const p = await sm.array() as number[][];
      sm.dispose();
      z.dispose();
      for (let r = 0; r < b.bs; r++) { index.push(b.index[r]); probs.push(p[r]); }
    }
  } finally {
    stream.close();
    disposeParams(cls.params);
  }
  return { classes: ck.header.classifier.classes, index, probs };
}
