import * as tf from '@tensorflow/tfjs';
import { replace, type KernelFn, type WasmBackend } from './kernel-util.js';
import { simdModule } from './simd/load.js';

/**
 * The loss's row softmax on wasm as one kernel: simd/softmax.wat's max, exp and normalising passes
 * over each row of z [r, V], giving g = softmax(z) and per row [max, Σ exp(z − max)]. Before it,
 * loss.ts ran two JS passes around one Sigmoid (exp as σ/(1 − σ)), ~7 ns a value: 18 % of the T2A
 * step (2026-12-04 CPU profile), against ~1 ns here (BENCHMARKS.md).
 */
export const SOFTMAX_ROWS = 'WordmillSoftmaxRows';

const ptr = (b: WasmBackend, t: tf.TensorInfo): number => b.dataIdMap.get(t.dataId).memoryOffset;

const rows: KernelFn = ({ inputs: { z }, backend }) => {
  const [r, v] = z.shape;
  const g = backend.makeOutput([r, v], 'float32');
  const stats = backend.makeOutput([r, 2], 'float32');
  simdModule('softmax', backend.wasm)!.rows(ptr(backend, z), ptr(backend, g), ptr(backend, stats), r, v);
  return [g, stats];
};

let installed = false;
/** Registers the kernel on wasm where softmax.wat loads on its heap; loss.ts uses it wherever it is registered. */
export function installSoftmaxKernel(): void {
  if (installed) return;
  installed = true;
  const b = tf.findBackend('wasm') as unknown as WasmBackend | undefined;
  if (b && simdModule('softmax', b.wasm)) replace(SOFTMAX_ROWS, rows);
}

export const hasSoftmaxKernel = (): boolean => tf.getKernel(SOFTMAX_ROWS, tf.getBackend()) !== undefined;
