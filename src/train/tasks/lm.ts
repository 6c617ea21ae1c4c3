import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { Batch, LMBatch } from '../../types.js';
import type { ModelConfig } from '../config.js';
import { decode, Dropout, ensureState, disposeState, forward, timeMajor, type State } from '../model.js';
import { modelDef } from '../models/index.js';
import { initParams, paramShapes, type Params } from '../params.js';
import { correct, crossEntropy } from '../loss.js';
import { optimize, type StepSettings } from '../step.js';
import { checkMemory } from '../memory.js';
import { restoreState } from '../state.js';
import type { TaskRun, ValidMetrics } from './types.js';

/**
 * One language-model step: next-token loss plus fastai's RNNRegularizer (AR on the dropped output,
 * TAR on the raw output's time differences). The returned state is kept (outside any tidy) and
 * detached by construction: it enters the next step as a plain input. The caller disposes the old one.
 */
export async function trainStep(c: ModelConfig, p: Params, s: StepSettings, batch: LMBatch, state: State, drop: Dropout): Promise<{ loss: number; state: State }> {
  const { bs, seqLen: seq } = batch;
  const ids = timeMajor(batch.x, bs, seq);
  const tgt = timeMajor(batch.y, bs, seq);
  const m = modelDef(c.arch);
  let next: State = [];
  const loss = await optimize(p, s, () => {
    const f = forward(c, p, ids, seq, bs, state, drop);
    const ce = m.lmLoss(c, p, f.out, tgt);
    let total: tf.Scalar = ce;
    if (c.alpha > 0) total = tf.add(total, tf.mul(tf.mean(tf.square(f.out)), c.alpha));
    if (c.beta > 0 && seq > 1) {
      const d = tf.sub(tf.slice(f.raw, [1, 0, 0], [seq - 1, -1, -1]), tf.slice(f.raw, [0, 0, 0], [seq - 1, -1, -1]));
      total = tf.add(total, tf.mul(tf.mean(tf.square(d)), c.beta));
    }
    next = f.state.map((l) => l.map((t) => tf.keep(t)));
    return { total, loss: ce };
  });
  return { loss, state: next };
}

/** Forward only (no dropout): summed loss over tokens, correct predictions, and the new state. */
export async function evalStep(c: ModelConfig, p: Params, batch: LMBatch, state: State): Promise<{ lossSum: number; correct: number; tokens: number; state: State }> {
  const { bs, seqLen: seq } = batch;
  const ids = timeMajor(batch.x, bs, seq);
  const tgt = timeMajor(batch.y, bs, seq);
  let next: State = [];
  const [l, k] = tf.tidy(() => {
    const f = forward(c, p, ids, seq, bs, state, new Dropout(false, 0, 0));
    const logits = decode(c, p, f.out);
    next = f.state.map((s) => s.map((t) => tf.keep(t)));
    return [crossEntropy(logits, tgt), correct(logits, tgt)];
  });
  const lossSum = (await l.data())[0] * bs * seq;
  const right = (await k.data())[0];
  l.dispose();
  k.dispose();
  return { lossSum, correct: right, tokens: bs * seq, state: next };
}

const asLm = (b: Batch): LMBatch => {
  if (b.kind !== 'lm') throw new WordmillError('WM_ERR_TRAIN', `the language model was sent a ${b.kind} batch`);
  return b;
};

/** The language-model task: carried, detached hidden state; loss, accuracy and perplexity. */
export function lmTask(c: ModelConfig, seed: number): TaskRun {
  const params = initParams(c, seed);
  const g = modelDef(c.arch).groups(c);
  let state: State | undefined;
  const drop = () => { if (state) { disposeState(state); state = undefined; } };
  return {
    kind: 'lm', params, shapes: paramShapes(c), buffers: new Set(), config: { ...c },
    layout: { encoder: g.encoder.flat(), vocabRows: modelDef(c.arch).vocabRows(c) },
    // fastai's awd_lstm_lm_split: each recurrent layer, then the embedding with the decoder (tied to it).
    groups: [...g.encoder.slice(1), [...g.encoder[0], ...g.decoder]],
    checkMemory: (backend, b) => checkMemory(backend, c, b.bs, b.seqLen),
    async train(b, s, dropout) {
      state = ensureState(c, state, b.bs);
      const r = await trainStep(c, params, s, asLm(b), state, dropout);
      disposeState(state);
      state = r.state;
      return r.loss;
    },
    tokens: (b) => b.bs * b.seqLen,
    endEpoch: drop,
    async validate(next): Promise<ValidMetrics> {
      let st: State | undefined;
      let lossSum = 0, right = 0, tokens = 0;
      for (let b = await next(); b; b = await next()) {
        st = ensureState(c, st, b.bs);
        const r = await evalStep(c, params, asLm(b), st);
        disposeState(st);
        st = r.state;
        lossSum += r.lossSum; right += r.correct; tokens += r.tokens;
      }
      if (st) disposeState(st);
      if (tokens === 0) return { validLoss: NaN, accuracy: NaN, perplexity: NaN };
      return { validLoss: lossSum / tokens, accuracy: right / tokens, perplexity: Math.exp(lossSum / tokens) };
    },
    carried: () => state,
    restoreCarried(tensors, bs) { drop(); state = restoreState(tensors, c, bs); },
    dispose: drop,
  };
}
