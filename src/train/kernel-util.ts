import * as tf from '@tensorflow/tfjs';
import { simdModule } from './simd/load.js';

/** Replacing kernels of the wasm backend (see kernels.ts for why each one is replaced). */
export type Info = tf.TensorInfo;
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  incRef(dataId: object): void;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  /** The tensor's byte offset in the heap, for kernels that run on the heap themselves (simd/). */
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  /** tfjs-wasm's Emscripten module. */
  wasm: unknown;
}
export type KernelFn = (args: { inputs: Record<string, Info>; backend: WasmBackend; attrs: Record<string, unknown> }) => Info | Info[];

/**
 * A float32 tensor's values in place, on wasm: a view of its heap memory (no copy, no allocation),
 * valid until the heap grows; elsewhere a copy. Replicas move every weight and gradient through
 * these each step, instead of a fresh array per tensor (T2A: ~40 MB of new arrays a step).
 */
export function valuesOf(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') return (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

export function kernel(name: string): KernelFn {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} missing`);
  return k.kernelFunc as unknown as KernelFn;
}

export function replace(name: string, fn: KernelFn): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
}

/** Whether kernel `name` is registered for the current backend (wordmill's own are on wasm only). */
export const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

/** Registers `fn` as wasm kernel `name` where simd/ module `mod` loads on the wasm heap; else the caller's other form runs. */
export function replaceIfLoads(name: string, mod: 'adam' | 'softmax', fn: KernelFn): void {
  const b = tf.findBackend('wasm') as unknown as WasmBackend | undefined;
  if (b && simdModule(mod, b.wasm)) replace(name, fn);
}

/** Byte offset of float `at` of tensor `t` in the wasm heap, for simd/'s modules. */
export const heapOffset = (b: WasmBackend, t: Info, at = 0): number => b.dataIdMap.get(t.dataId).memoryOffset + 4 * at;
