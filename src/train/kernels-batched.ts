import * as tf from '@tensorflow/tfjs';
import type { Info, KernelFn, WasmBackend } from './kernel-util.js';

const MIN_MACS = 1 << 14;

/**
 * wasm's BatchMatMul hands a product to XNNPACK only when both operands have a batch of one; any
 * other batch runs a scalar blocked triple loop (~1 GFLOP/s here: the small GPT's attention
 * products [64,128,128]×[64,128,32] took 60–80 ms each, 1.7 s of a 5.3 s step). Products without
 * transposes (kernels.ts removes them before calling this) are cut into batch-1 products that
 * XNNPACK runs, or folded into one when the right operand is shared by every batch. `plain` is the
 * original kernel. Undefined for what it should run unchanged: both batches 1, small products,
 * or broadcasting other than a batch of one on either side.
 */
export function batchedMatMul(plain: KernelFn, a: Info, b: Info, backend: WasmBackend): Info | undefined {
  const ra = a.shape.length, rb = b.shape.length;
  const [m, k] = a.shape.slice(ra - 2), n = b.shape[rb - 1];
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA === 1 && batchB === 1) return undefined;
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...outer, m, n];
  const attrs = { transposeA: false, transposeB: false };
  if (batchB === 1) {
    // One shared right operand: the batch is just more rows of one 2-D product.
    const rows = { dataId: a.dataId, shape: [batchA * m, k], dtype: a.dtype };
    const b2 = { dataId: b.dataId, shape: [k, n], dtype: b.dtype };
    const out = plain({ inputs: { a: rows, b: b2 }, backend, attrs }) as Info;
    out.shape = outShape;
    return out;
  }
  // Each batch-1 product costs ~15 µs of setup (an XNNPACK operator packed and freed): below ~16 K
  // multiply-adds a product, the scalar loop is as fast (measured on [64, s, s]², crossover s ≈ 24).
  if ((batchA !== 1 && batchA !== batchB) || m * k * n < MIN_MACS) return undefined;
  const batch = batchB;
  const out = backend.makeOutput(outShape, 'float32');
  const part = (x: Info, i: number, rows: number, cols: number): Info => {
    const t = backend.makeOutput([rows, cols], 'float32');
    const size = rows * cols;
    (backend.typedArrayFromHeap(t) as Float32Array).set((backend.typedArrayFromHeap(x) as Float32Array).subarray(i * size, (i + 1) * size));
    return t;
  };
  const a2 = batchA === 1 ? { dataId: a.dataId, shape: [m, k], dtype: a.dtype } : undefined;
  for (let i = 0; i < batch; i++) {
    const ai = a2 ?? part(a, i, m, k);
    const bi = part(b, i, k, n);
    const oi = plain({ inputs: { a: ai, b: bi }, backend, attrs }) as Info;
    // Views after the product: its allocations may grow (and so detach) the heap.
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(oi) as Float32Array, i * m * n);
    if (ai !== a2) backend.disposeData(ai.dataId);
    // Disposing b also frees the XNNPACK operator the product cached for it.
    backend.disposeData(bi.dataId);
    backend.disposeData(oi.dataId);
  }
  return out;
}
