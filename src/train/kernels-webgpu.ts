/**
 * Replacement kernels and fused-op forms for the WebGPU backend: none yet, on purpose.
 *
 * - The wasm replacements (src/train/kernels.ts, kernels-copy.ts) fix defects of
 *   tfjs-backend-wasm 4.22 (transposed matMul 6–8× slow, the fused-bias bug, int32 bits in a float
 *   oneHot, no UnsortedSegmentSum, slow copies). tfjs-backend-webgpu has none of these: the parity
 *   test (test/train/webgpu-parity.test.ts) checks each of those ops against the cpu backend.
 * - The fused ops (the LSTM layer's hand-written backward, lstm-layer.ts; softmax cross-entropy's
 *   gradient, loss.ts; the adaptive softmax, adaptive.ts; the chunked output layer, linear-ce.ts)
 *   are tf.customGrad compositions of tfjs ops, so on WebGPU they run as tfjs-backend-webgpu's
 *   generic kernels; each is checked against cpu in the parity test. A WGSL LSTM cell (one dispatch
 *   per time step instead of ~10) is the candidate if bench/gpu.sh shows per-dispatch overhead
 *   dominating T1/AWD on a real GPU; it has not been measured yet (BENCHMARKS.md, GPU section).
 * - linear-ce's row chunks exist for the wasm heap; memory.ts plans them for wasm only, so WebGPU
 *   computes the [N, V] logits whole (T3's are 1.1 GB, within a GPU's binding limit).
 */
let installed = false;

export function installWebGPUKernels(): void {
  if (installed) return;
  installed = true;
}
