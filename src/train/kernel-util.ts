import * as tf from '@tensorflow/tfjs';

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
