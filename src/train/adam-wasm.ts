import * as tf from '@tensorflow/tfjs';
import { hasKernel, heapOffset, replaceIfLoads, type KernelFn } from './kernel-util.js';
import { simdModule } from './simd/load.js';

/**
 * Adam's step of one parameter as one wasm kernel: simd/adam.wat's single pass instead of the
 * tensor form's twelve kernels, each a pass over the parameter (and, for T1's 8 small parameters,
 * ~100 dispatches a step). Bit for bit the tensor form (test/train/adam.test.ts). Attributes are
 * the step's constants, rounded to float32 as the tensor form's scalars are.
 */
export const ADAM = 'WordmillAdam';
export interface AdamConstants { b1: number; c1: number; b2: number; c2: number; d2: number; eps: number; s: number; keep: number }


const adam: KernelFn = ({ inputs: { p, g, m, v }, backend, attrs }) => {
  const k = simdModule('adam', backend.wasm)!;
  const a = attrs as unknown as AdamConstants;
  const outs = [p, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  k.adam(heapOffset(backend, p), heapOffset(backend, g), heapOffset(backend, m), heapOffset(backend, v), heapOffset(backend, outs[0]), heapOffset(backend, outs[1]), heapOffset(backend, outs[2]),
    tf.util.sizeFromShape(p.shape), a.b1, a.c1, a.b2, a.c2, a.d2, a.eps, a.s, a.keep);
  return outs;
};

/** Registers the kernel on wasm where adam.wat loads on its heap; adam.ts uses it wherever it is registered. */
export const installAdamKernel = (): void => replaceIfLoads(ADAM, 'adam', adam);
export const hasAdamKernel = (): boolean => hasKernel(ADAM);
