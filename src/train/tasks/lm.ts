import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../../errors.js';
import type { Batch, LMBatch } from '../../types.js';
import type { ModelConfig } from '../config.js';
import { decode, Dropout, ensureState, disposeState, forward, timeMajor, type State } from '../model.js';
import { modelDef } from '../models/index.js';
import { initParams, paramShapes, type Params } from '../params.js';
import { correct, crossEntropy } from '../loss.js';
import { applyGradients, gradients, optimize, type StepSettings } from '../step.js';
import { gradTensors, type PartRequest, type ReplicaPool } from '../replicas/pool.js';
import { lmObjective, splitRows, type LmPart } from './lm-part.js';
import { planStep, type StepPlan } from '../memory.js';
import { restoreState } from '../state.js';
import type { TaskRun, ValidMetrics } from './types.js';

/**
 * One language-model step (lm-part.ts's objective). The returned state is kept (outside any tidy)
 * and detached by construction: it enters the next step as a plain input. The caller disposes the
 * old one. `plan` (memory.ts) may split the batch into micro-batches of rows, each weighted by its
 * share of the batch and with its rows of the batch's dropout masks, and chunk the output layer.
 * With `replicas` the parts run on them, at least one each, and give the bits the same parts give
 * as micro-batches here.
 */
export async function trainStep(c: ModelConfig, p: Params, s: StepSettings, batch: LMBatch, state: State, drop: Dropout, plan?: StepPlan, replicas?: ReplicaPool): Promise<{ loss: number; state: State }> {
  const { bs, seqLen: seq } = batch;
  const { micro, parts } = splitRows(bs, plan?.microBs ?? bs, replicas?.size);
  const rows = (k: number) => ({ r0: k * micro, r: Math.min(micro, bs - k * micro) });
  const partOf = (k: number): LmPart => {
    if (parts === 1) return { x: batch.x, y: batch.y, rows: bs, seq, bs };
    const { r0, r } = rows(k);
    return { x: batch.x.subarray(r0 * seq, (r0 + r) * seq), y: batch.y.subarray(r0 * seq, (r0 + r) * seq), rows: r, seq, bs };
  };
  const dropOf = (k: number) => (parts === 1 ? drop : drop.part({ start: rows(k).r0, count: rows(k).r, total: bs }));
  const stateOf = (k: number) => state.map((l) => l.map((t) => tf.slice(t, [rows(k).r0, 0], [rows(k).r, -1])));
  if (replicas && parts > 1) return replicaStep(c, p, s, state, { parts, rows, partOf, dropOf, stateOf }, plan?.chunkRows, replicas);
  const nexts: State[] = [];
  const loss = await optimize(p, s, (k) => {
    const o = lmObjective(c, p, partOf(k), parts === 1 ? state : stateOf(k), dropOf(k), plan?.chunkRows);
    nexts.push(o.next);
    return o;
  }, parts);
  return { loss, state: parts === 1 ? nexts[0] : concatRows(nexts) };
}

/** How trainStep cut its batch: part k's rows, their data, dropout masks and state slices. */
interface Split {
  parts: number;
  rows(k: number): { r0: number; r: number };
  partOf(k: number): LmPart;
  dropOf(k: number): Dropout;
  stateOf(k: number): State;
}

/**
 * The parts of one step on the replicas, this thread's among them (a micro-batch here, the same
 * code); the sum on every replica, in part order (replicas/reduce.ts); clipping and the update here.
 */
async function replicaStep(c: ModelConfig, p: Params, s: StepSettings, state: State, split: Split, chunkRows: number | undefined,
  replicas: ReplicaPool): Promise<{ loss: number; state: State }> {
  const { parts, rows, partOf, dropOf, stateOf } = split;
  const whole = await Promise.all(state.map((l) => Promise.all(l.map(async (t) => ({ data: await t.data() as Float32Array, dim: t.shape[1]! })))));
  const requests = Array.from({ length: parts }, (_, k): PartRequest | undefined => {
    if (replicas.local(k)) return undefined;
    const { r0, r } = rows(k);
    return {
      part: partOf(k), drop: dropOf(k).spec(), trainable: s.trainable ? [...s.trainable] : undefined, chunkRows,
      state: whole.map((l) => l.map((t) => ({ data: t.data.slice(r0 * t.dim, (r0 + r) * t.dim), shape: [r, t.dim] as [number, number] }))),
    };
  });
  const remote = replicas.dispatch(c, p, requests);
  const mine = new Map<number, { grads: Record<string, tf.Tensor>; loss: tf.Scalar; next: State }>();
  try {
    for (let k = 0; k < parts; k += replicas.size) {
      const st = stateOf(k);
      let next: State = [];
      const g = gradients(p, s, () => { const o = lmObjective(c, p, partOf(k), st, dropOf(k), chunkRows); next = o.next; return o; });
      disposeState(st);
      mine.set(k, { ...g, next });
    }
    const theirs = await remote;
    let loss = 0;
    const nexts: State[] = [];
    let names: string[] | undefined;
    for (let k = 0; k < parts; k++) {
      const m = mine.get(k);
      let wrote: string[];
      if (m) {
        wrote = replicas.write(k, m.grads);
        loss += (await m.loss.data())[0];
        m.loss.dispose();
        nexts.push(m.next);
        mine.delete(k);
      } else {
        const r = theirs.get(k)!;
        wrote = r.names;
        loss += r.loss;
        nexts.push(r.state.map((l) => l.map((t) => tf.tensor2d(t.data, t.shape))));
      }
      names ??= wrote;
      if (wrote.length !== names.length || wrote.some((n) => !names!.includes(n))) {
        throw new WordmillError('WM_ERR_TRAIN', `part ${k} of the step has gradients for other parameters than part 0 (${wrote.length} against ${names.length})`);
      }
    }
    applyGradients(gradTensors(p, await replicas.reduce(parts, names!)), s);
    return { loss, state: concatRows(nexts) };
  } finally {
    for (const m of mine.values()) { Object.values(m.grads).forEach((t) => t.dispose()); m.loss.dispose(); disposeState(m.next); }
    await remote.catch(() => {});
  }
}

/** The parts' states, rows in part order, as the whole batch's; the parts' tensors are disposed. */
function concatRows(nexts: State[]): State {
  const next = nexts[0].map((l, i) => l.map((_, j) => tf.concat(nexts.map((n) => n[i][j]), 0) as tf.Tensor2D));
  nexts.forEach(disposeState);
  return next;
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

/** The language-model task: carried, detached hidden state; loss, accuracy and perplexity; its steps on `replicas` when given. */
export function lmTask(c: ModelConfig, seed: number, replicas?: ReplicaPool): TaskRun {
  const params = initParams(c, seed);
  const g = modelDef(c.arch).groups(c);
  let state: State | undefined;
  let plan: StepPlan | undefined;
  const drop = () => { if (state) { disposeState(state); state = undefined; } };
  return {
    kind: 'lm', params, shapes: paramShapes(c), buffers: new Set(), config: { ...c },
    layout: { encoder: g.encoder.flat(), vocabRows: modelDef(c.arch).vocabRows(c) },
    // fastai's awd_lstm_lm_split: each recurrent layer, then the embedding with the decoder (tied to it).
    groups: [...g.encoder.slice(1), [...g.encoder[0], ...g.decoder]],
    checkMemory: (backend, b) => { plan = planStep(backend, c, b.bs, b.seqLen); },
    async train(b, s, dropout) {
      state = ensureState(c, state, b.bs);
      const r = await trainStep(c, params, s, asLm(b), state, dropout, plan, replicas);
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
