import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config.js';
import { forward, timeMajor, type Dropout, type State } from '../model.js';
import { modelDef } from '../models/index.js';
import type { Params } from '../params.js';

/** Rows [r0, r0 + rows) of an lm batch of `bs` rows: `x`, `y` are the part's own rows, row-major. */
export interface LmPart { x: Int32Array; y: Int32Array; rows: number; seq: number; bs: number }

/**
 * The language-model objective on one part of a batch: next-token loss plus fastai's
 * RNNRegularizer (AR on the dropped output, TAR on the raw output's time differences), weighted by
 * the part's share of the batch so that the parts' gradients sum to the whole batch's. The same
 * function runs a micro-batch in the trainer and a part on a replica (replicas/), which is what
 * makes the two give the same bits. `next` is the part's new state, kept for the caller.
 */
export function lmObjective(c: ModelConfig, p: Params, part: LmPart, state: State, drop: Dropout, chunkRows?: number): { total: tf.Scalar; loss: tf.Scalar; next: State } {
  const { rows, seq, bs } = part;
  const f = forward(c, p, timeMajor(part.x, rows, seq), seq, rows, state, drop);
  const ce = modelDef(c.arch).lmLoss(c, p, f.out, timeMajor(part.y, rows, seq), chunkRows);
  let total: tf.Scalar = ce;
  if (c.alpha > 0) total = tf.add(total, tf.mul(tf.mean(tf.square(f.out)), c.alpha));
  if (c.beta > 0 && seq > 1) {
    const d = tf.sub(tf.slice(f.raw, [1, 0, 0], [seq - 1, -1, -1]), tf.slice(f.raw, [0, 0, 0], [seq - 1, -1, -1]));
    total = tf.add(total, tf.mul(tf.mean(tf.square(d)), c.beta));
  }
  const next = f.state.map((l) => l.map((t) => tf.keep(t)));
  // Every term is a mean over this part's rows: weighted by rows / bs, the parts sum to the batch's mean.
  if (rows === bs) return { total, loss: ce, next };
  return { total: tf.mul(total, rows / bs), loss: tf.mul(ce, rows / bs), next };
}

/**
 * How a batch of `bs` rows splits: `parts` parts of at most `micro` rows (the last may be
 * shorter). The plan's micro-batches as they are; with replicas, their count rounded up to a
 * multiple of the replicas (every replica gets a part), at most one row a part.
 */
export function splitRows(bs: number, planMicro: number, replicas = 1): { micro: number; parts: number } {
  let micro = Math.max(1, Math.min(bs, planMicro));
  if (replicas > 1) micro = Math.ceil(bs / Math.min(bs, Math.ceil(Math.ceil(bs / micro) / replicas) * replicas));
  return { micro, parts: Math.ceil(bs / micro) };
}
