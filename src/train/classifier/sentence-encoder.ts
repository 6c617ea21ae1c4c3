import * as tf from '@tensorflow/tfjs';
import type { BaseConfig, State } from '../models/types.js';
import { disposeState, forward, initState, timeMajor } from '../model.js';
import type { Params } from '../params.js';
import type { Dropout } from '../dropout.js';

/**
 * fastai's SentenceEncoder: a padded batch [bs, sl] is read `bptt` tokens at a time through the
 * encoder, its state starting at zero for the batch and carried from chunk to chunk, detached
 * between chunks (AWD_LSTM detaches its hidden state after every call). Only the outputs of the
 * chunks that start within the last `maxLen` tokens are kept; the chunks before run without a
 * gradient tape, so memory is bounded by bs × (maxLen + bptt) whatever the longest document.
 *
 * A row's state stays zero until the row's first real token (fastai skips the rows whose chunk is
 * all padding, and its `pad_input_chunk` puts padding in whole chunks in front), so a document's
 * leading padding never reaches its state.
 */
export interface Chunking { bptt: number; maxLen: number; padId: number }

/** Chunk starts and the first kept one. */
export function chunkPlan(sl: number, k: Chunking): { starts: number[]; keepFrom: number } {
  const starts: number[] = [];
  for (let i = 0; i < sl; i += k.bptt) starts.push(i);
  const kept = starts.find((i) => sl - i <= k.maxLen) ?? starts[starts.length - 1];
  return { starts, keepFrom: kept };
}

/** Zero gradient through the state handed from one chunk to the next (PyTorch's detach). */
const detach = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

function chunk(c: BaseConfig, p: Params, x: Int32Array, bs: number, sl: number, start: number, k: Chunking, state: State, started: Uint8Array, drop: Dropout): { raw: tf.Tensor3D; state: State } {
  const len = Math.min(k.bptt, sl - start);
  const ids = new Int32Array(bs * len);
  for (let b = 0; b < bs; b++) {
    ids.set(x.subarray(b * sl + start, b * sl + start + len), b * len);
    if (!started[b]) for (let t = 0; t < len; t++) if (ids[b * len + t] !== k.padId) { started[b] = 1; break; }
  }
  const f = forward(c, p, timeMajor(ids, bs, len), len, bs, state, drop);
  const keep = tf.tensor2d(Float32Array.from(started), [bs, 1]);
  return { raw: f.raw, state: f.state.map((l) => l.map((t) => tf.mul(detach(t), keep) as tf.Tensor2D)) };
}

/**
 * Runs the chunks before the kept window (outside any gradient scope) and returns the state the
 * first kept chunk starts from, with which rows have started. The caller disposes the state.
 */
export function encodePrefix(c: BaseConfig, p: Params, x: Int32Array, bs: number, sl: number, k: Chunking, drop: Dropout): { state: State; started: Uint8Array; keepFrom: number } {
  const { starts, keepFrom } = chunkPlan(sl, k);
  const started = new Uint8Array(bs);
  let state = initState(c, bs);
  for (const start of starts) {
    if (start >= keepFrom) break;
    const next = tf.tidy(() => chunk(c, p, x, bs, sl, start, k, state, started, drop).state.map((l) => l.map((t) => tf.keep(t))));
    disposeState(state);
    state = next;
  }
  return { state, started, keepFrom };
}

/** The kept chunks (inside the caller's gradient scope): outputs [sl − keepFrom, bs, H], time-major. */
export function encodeKept(c: BaseConfig, p: Params, x: Int32Array, bs: number, sl: number, k: Chunking, from: { state: State; started: Uint8Array; keepFrom: number }, drop: Dropout): tf.Tensor3D {
  const outs: tf.Tensor3D[] = [];
  let state = from.state;
  const started = Uint8Array.from(from.started);
  for (let start = from.keepFrom; start < sl; start += k.bptt) {
    const r = chunk(c, p, x, bs, sl, start, k, state, started, drop);
    outs.push(r.raw);
    state = r.state;
  }
  return (outs.length === 1 ? outs[0] : tf.concat(outs, 0)) as tf.Tensor3D;
}
