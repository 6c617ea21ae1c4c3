import * as tf from '@tensorflow/tfjs';
import type { BaseConfig } from './models/types.js';
import { modelDef } from './models/index.js';
import { rng, mix } from './rng.js';

/** Named trainable weights. Names are stable: checkpoints and `saveEncoder` key on them. */
export type Params = Map<string, tf.Variable>;

export interface ParamShape { name: string; shape: number[]; init: (r: () => number) => Float32Array; decay: boolean }

/** The weight layout of a model, as its registered module declares it. */
export const paramShapes = (c: BaseConfig): ParamShape[] => modelDef(c.arch).params(c);

/** Variables for `shapes`, each drawn from its own seeded stream (index `i` in the list). */
export function initShapes(shapes: ParamShape[], seed: number, into: Params = new Map(), salt = 0x1417): Params {
  shapes.forEach((p, i) => {
    // tidy disposes the initial tensor: a variable shares its data, and the initial tensor would
    // otherwise keep it alive after the variable is disposed (a leak of the model per job).
    into.set(p.name, tf.tidy(() => tf.variable(tf.tensor(p.init(rng(mix(seed, salt, i))), p.shape), true, `${p.name}_${seed}_${Math.random().toString(36).slice(2)}`)));
  });
  return into;
}

export const initParams = (c: BaseConfig, seed: number): Params => initShapes(paramShapes(c), seed);

export const noDecayOf = (shapes: ParamShape[]): Set<string> => new Set(shapes.filter((p) => !p.decay).map((p) => p.name));
export const noDecay = (c: BaseConfig): Set<string> => noDecayOf(paramShapes(c));

export function disposeParams(p: Params): void {
  for (const v of p.values()) v.dispose();
}
