import type * as tf from '@tensorflow/tfjs';
import type { TrainerModelSpec } from '../config.js';
import type { Params, ParamShape } from '../params.js';
import type { Dropout } from '../dropout.js';
import type { Arch } from './names.js';

/** What every resolved model config carries; the rest is the model's own (stored in checkpoints as JSON). */
export interface BaseConfig { arch: Arch; vocab: number }

/** Carried state per layer (recurrent: [h] or [h, c], each [bs, hidden]); [] for a stateless model. */
export type State = tf.Tensor2D[][];

export interface ForwardOut {
  /** Top features, time-major rows [seq·bs, outDim] (after the model's output dropout). */
  out: tf.Tensor2D;
  /** The same features before that dropout, [seq, bs, outDim] (temporal AR). */
  raw: tf.Tensor3D;
  state: State;
}

/**
 * What a model is used for: the language model's own dropouts, or the encoder under a classifier
 * (fastai's `awd_lstm_clas_config` has larger ones).
 */
export type Purpose = 'lm' | 'encoder';

/**
 * One registered model (nanoGPT's model.py in one place): its config, parameter shapes, carried
 * state, forward pass, output layer and the layer groups that freezing and discriminative learning
 * rates work on. Tasks (language model, classifier) use only this interface.
 */
export interface ModelDef<C extends BaseConfig = BaseConfig> {
  resolve(spec: TrainerModelSpec, vocab: number, purpose: Purpose): C;
  params(c: C): ParamShape[];
  /** Shapes of the carried state for batch size `bs`, per layer. */
  state(c: C, bs: number): number[][][];
  /** `ids` time-major [seq, bs]; runs inside the caller's tidy/gradient scope. */
  forward(c: C, p: Params, ids: Int32Array, seq: number, bs: number, state: State, drop: Dropout): ForwardOut;
  outDim(c: C): number;
  /** Output layer: features [N, outDim] → logits (or log-probabilities) [N, vocab]. */
  decode(c: C, p: Params, h: tf.Tensor2D): tf.Tensor2D;
  /** Mean next-token loss of features `h` against `targets`. */
  lmLoss(c: C, p: Params, h: tf.Tensor2D, targets: Int32Array): tf.Scalar;
  /**
   * Parameter names by layer group, input side first (fastai's splits): `encoder` is what a
   * classifier reuses, `decoder` the language-model head.
   */
  groups(c: C): { encoder: string[][]; decoder: string[] };
  /** Parameters with one row per vocabulary entry (remapped when an encoder meets another vocabulary). */
  vocabRows(c: C): string[];
  /**
   * Stateless models (nothing carried across batches) see at most this many tokens at once;
   * generation re-runs them over the last `window` tokens instead of feeding one token and a state.
   */
  window?(c: C): number;
  /** Floats one training step keeps alive besides the weights, for `n` tokens (memory estimate). */
  activationFloats(c: C, n: number): number;
}
