import * as tf from '@tensorflow/tfjs';
import type { Params } from './params.js';
import type { Adam } from './adam.js';
import type { State } from './model.js';
import type { BaseConfig } from './models/types.js';
import { modelDef } from './models/index.js';

export type Blob = Map<string, { shape: number[]; data: Float32Array }>;

/** Weights, Adam moments and carried hidden state as named float32 arrays, for a checkpoint. */
export function snapshot(p: Params, opt: Adam | undefined, state: State | undefined): Blob {
  const out: Blob = new Map();
  const put = (name: string, t: tf.Tensor) => out.set(name, { shape: t.shape, data: t.dataSync() as Float32Array });
  for (const [k, v] of p) put(`param/${k}`, v);
  if (opt) {
    for (const [k, v] of opt.m) put(`adam.m/${k}`, v);
    for (const [k, v] of opt.v) put(`adam.v/${k}`, v);
  }
  state?.forEach((layer, l) => layer.forEach((t, i) => put(`state/${l}/${i}`, t)));
  return out;
}

export function restoreParams(p: Params, tensors: Map<string, Float32Array>, prefix = 'param/'): void {
  for (const [k, v] of p) {
    const data = tensors.get(prefix + k);
    if (data) tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}

export function restoreAdam(opt: Adam, tensors: Map<string, Float32Array>): void {
  for (const [k, v] of opt.m) { const d = tensors.get(`adam.m/${k}`); if (d) tf.tidy(() => v.assign(tf.tensor(d, v.shape))); }
  for (const [k, v] of opt.v) { const d = tensors.get(`adam.v/${k}`); if (d) tf.tidy(() => v.assign(tf.tensor(d, v.shape))); }
}

export function restoreState(tensors: Map<string, Float32Array>, c: BaseConfig, bs: number): State | undefined {
  const shapes = modelDef(c.arch).state(c, bs);
  if (shapes.length === 0 || !tensors.has('state/0/0')) return undefined;
  return shapes.map((layer, l) => layer.map((shape, i) => tf.tensor2d(tensors.get(`state/${l}/${i}`)!, shape as [number, number])));
}
