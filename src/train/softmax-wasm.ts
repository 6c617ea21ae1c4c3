import { hasKernel, heapOffset, replaceIfLoads, type KernelFn } from './kernel-util.js';
import { simdModule } from './simd/load.js';

/**
 * The loss's row softmax on wasm as one kernel: simd/softmax.wat's max, exp and normalising passes
 * over each row of z [r, V], giving g = softmax(z) and per row [max, Σ exp(z − max)]. Before it,
 * loss.ts ran two JS passes around one Sigmoid (exp as σ/(1 − σ)), ~7 ns a value: 18 % of the T2A
 * step (2026-12-04 CPU profile), against ~1 ns here (BENCHMARKS.md).
 */
export const SOFTMAX_ROWS = 'WordmillSoftmaxRows';


const rows: KernelFn = ({ inputs: { z }, backend }) => {
  const [r, v] = z.shape;
  const g = backend.makeOutput([r, v], 'float32');
  const stats = backend.makeOutput([r, 2], 'float32');
  simdModule('softmax', backend.wasm)!.rows(heapOffset(backend, z), heapOffset(backend, g), heapOffset(backend, stats), r, v);
  return [g, stats];
};

/** Registers the kernel on wasm where softmax.wat loads on its heap; loss.ts uses it wherever it is registered. */
export const installSoftmaxKernel = (): void => replaceIfLoads(SOFTMAX_ROWS, 'softmax', rows);
export const hasSoftmaxKernel = (): boolean => hasKernel(SOFTMAX_ROWS);
