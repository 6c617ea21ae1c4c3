import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { Batch, ClsBatch } from '../../types.js';
import type { ModelConfig } from '../config.js';
import { modelDef } from '../models/index.js';
import { initShapes, type Params, type ParamShape } from '../params.js';
import { Dropout } from '../dropout.js';
import { disposeState } from '../model.js';
import { crossEntropy } from '../loss.js';
import { optimize } from '../step.js';
import type { ClassifierSpec } from '../task.js';
import { encodeKept, encodePrefix, type Chunking } from '../classifier/sentence-encoder.js';
import { maskedConcatPool, windowMask } from '../classifier/pool.js';
import { headBuffers, headForward, headShapes, updateRunning, type BatchStats, type HeadConfig } from '../classifier/head.js';
import { f1Score } from '../classifier/metrics.js';
import type { TaskRun, ValidMetrics } from './types.js';

const asCls = (b: Batch): ClsBatch => {
  if (b.kind !== 'cls') throw new WordmillError('WM_ERR_TRAIN', `the classifier was sent a ${b.kind} batch`);
  return b;
};

/** fastai's get_text_classifier: the encoder's output dropout feeds the head's first layer; 0.1 for the others. */
export function headConfig(c: ModelConfig, spec: ClassifierSpec): HeadConfig {
  const H = modelDef(c.arch).outDim(c);
  const ps = [c.outputP, ...(spec.ps ?? spec.linFtrs.map(() => 0.1))];
  if (ps.length !== spec.linFtrs.length + 1) {
    throw new WordmillError('WM_ERR_OPTION', `classifier: ${spec.linFtrs.length} hidden layers need ${spec.linFtrs.length} dropouts in ps (got ${ps.length - 1})`, { option: 'classifier.ps' });
  }
  return { dims: [3 * H, ...spec.linFtrs, spec.classes.length], ps };
}

type Prefix = ReturnType<typeof encodePrefix>;

export interface Classifier {
  c: ModelConfig; head: HeadConfig; k: Chunking; params: Params;
  /** The chunks before the kept window: run OUTSIDE any gradient scope; the caller disposes `state`. */
  prefix(b: ClsBatch, drop: Dropout): Prefix;
  /** Logits [bs, classes] from the kept window on; inside the caller's scope (gradient or tidy). */
  logits(b: ClsBatch, pre: Prefix, training: boolean, drop: Dropout, stats?: BatchStats[]): tf.Tensor2D;
}

/** Logits of a whole batch without a gradient (evaluation, prediction); the caller disposes them. */
export function evalLogits(cls: Classifier, b: ClsBatch): tf.Tensor2D {
  const off = new Dropout(false, 0, 0);
  const pre = cls.prefix(b, off);
  try {
    return tf.tidy(() => cls.logits(b, pre, false, off));
  } finally {
    disposeState(pre.state);
  }
}

/** The encoder (any registered model) as a SentenceEncoder, masked concat pooling and the head. */
export function buildClassifier(c: ModelConfig, spec: ClassifierSpec, seed: number): Classifier & { shapes: ParamShape[]; groups: string[][] } {
  const m = modelDef(c.arch);
  const g = m.groups(c);
  const enc = new Set(g.encoder.flat());
  const head = headConfig(c, spec);
  const shapes = [...m.params(c).filter((s) => enc.has(s.name)), ...headShapes(head)];
  const params = initShapes(m.params(c).filter((s) => enc.has(s.name)), seed);
  initShapes(headShapes(head), seed, params, 0xc1a5);
  // The encoder's own output dropout is the head's first dropout (fastai applies output_p there).
  const ec = { ...c, outputP: 0 };
  const k: Chunking = { bptt: spec.bptt, maxLen: spec.maxLen, padId: spec.padId };
  const prefix = (b: ClsBatch, drop: Dropout) => encodePrefix(ec, params, b.x, b.bs, b.seqLen, k, drop);
  const logits = (b: ClsBatch, pre: Prefix, training: boolean, drop: Dropout, stats?: BatchStats[]) => {
    const out = encodeKept(ec, params, b.x, b.bs, b.seqLen, k, pre, drop);
    const pooled = maskedConcatPool(out, windowMask(b.x, b.bs, b.seqLen, pre.keepFrom, k.padId));
    return headForward(head, params, pooled, training, drop, stats);
  };
  // fastai's awd_lstm_clas_split: embedding, each recurrent layer, the head.
  const groups = [...g.encoder, headShapes(head).map((s) => s.name)];
  return { c, head, k, params, shapes, groups, prefix, logits };
}

/** The classifier task: cross-entropy over classes; accuracy and F1 on validation. */
export function classifierTask(c: ModelConfig, spec: ClassifierSpec, seed: number): TaskRun {
  const cls = buildClassifier(c, spec, seed);
  return {
    kind: 'classifier', params: cls.params, shapes: cls.shapes, groups: cls.groups,
    buffers: new Set(headBuffers(cls.head)),
    config: { ...c, head: cls.head, chunking: cls.k },
    layout: { encoder: cls.groups.slice(0, -1).flat(), vocabRows: modelDef(c.arch).vocabRows(c).filter((k) => cls.params.has(k)) },
    // Memory is bounded by bs × (maxLen + bptt) by construction (the SentenceEncoder keeps no more).
    checkMemory: () => {},
    async train(b, s, drop) {
      const cb = asCls(b);
      const stats: BatchStats[] = [];
      const pre = cls.prefix(cb, drop);
      try {
        const loss = await optimize(cls.params, s, () => {
          const ce = crossEntropy(cls.logits(cb, pre, true, drop, stats), cb.labels);
          return { total: ce, loss: ce };
        });
        updateRunning(cls.params, stats);
        return loss;
      } finally {
        disposeState(pre.state);
      }
    },
    tokens: (b) => asCls(b).lengths.reduce((a, n) => a + n, 0),
    endEpoch: () => {},
    async validate(next): Promise<ValidMetrics> {
      const n = spec.classes.length;
      const confusion = new Float64Array(n * n);
      let lossSum = 0, rows = 0;
      for (let b = await next(); b; b = await next()) {
        const cb = asCls(b);
        const z = evalLogits(cls, cb);
        const [l, pred] = tf.tidy(() => [crossEntropy(z, cb.labels), tf.argMax(z, 1)]);
        z.dispose();
        lossSum += (await l.data())[0] * cb.bs;
        const p = await pred.data();
        for (let r = 0; r < cb.bs; r++) confusion[cb.labels[r] * n + p[r]]++;
        l.dispose(); pred.dispose();
        rows += cb.bs;
      }
      if (rows === 0) return { validLoss: NaN, accuracy: NaN, f1: NaN };
      let right = 0;
      for (let i = 0; i < n; i++) right += confusion[i * n + i];
      return { validLoss: lossSum / rows, accuracy: right / rows, f1: f1Score(confusion, n) };
    },
    carried: () => undefined,
    restoreCarried: () => {},
    dispose: () => {},
  };
}
