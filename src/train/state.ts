import * as tf from '@tensorflow/tfjs';
import type { Params } from './params.js';
import type { Adam } from './adam.js';
import type { State } from './model.js';
import type { BaseConfig } from './models/types.js';
import { modelDef } from './models/index.js';

export type Blob = Map<string, { shape: number[]; data: Float32Array }>;

/** Weights, Adam moments and carried hidden state as named float32 arrays, for a checkpoint. */
export async function snapshot(p: Params, opt: Adam | undefined, state: State | undefined): Promise<Blob> {
  const all: [string, tf.Tensor][] = [...p].map(([k, v]) => [`param/${k}`, v]);
  if (opt) {
    for (const [k, v] of opt.m) all.push([`adam.m/${k}`, v]);
    for (const [k, v] of opt.v) all.push([`adam.v/${k}`, v]);
  }
  state?.forEach((layer, l) => layer.forEach((t, i) => all.push([`state/${l}/${i}`, t])));
  // Asynchronous reads (WebGPU has no synchronous one), all in flight at once.
  const data = await Promise.all(all.map(([, t]) => t.data()));
  return new Map(all.map(([name, t], i) => [name, { shape: t.shape, data: data[i] as Float32Array }]));
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
