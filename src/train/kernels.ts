import * as tf from '@tensorflow/tfjs';

/**
 * Workarounds for defects of tfjs-backend-wasm 4.22.0, each guarded by a wasm-vs-cpu test
 * (test/train/kernels.test.ts) so a tfjs upgrade cannot silently break training.
 */
type Info = tf.TensorInfo;
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}
type KernelFn = (args: { inputs: Record<string, Info>; backend: WasmBackend; attrs: Record<string, unknown> }) => Info | Info[];

function kernel(name: string): KernelFn {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} missing`);
  return k.kernelFunc as unknown as KernelFn;
}

function replace(name: string, fn: KernelFn): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
}

let installed = false;

export function installWasmFixes(): void {
  if (installed) return;
  installed = true;
  const transpose = kernel('Transpose');
  const swapLast = (t: Info, backend: WasmBackend): Info => {
    const perm = t.shape.map((_, i) => i);
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transpose({ inputs: { x: t }, backend, attrs: { perm } }) as Info;
  };

  // matMul with transposeA/transposeB runs 6-8x slower than an explicit transpose followed by a
  // plain matMul (XNNPACK only has the fast path for the plain layout); autodiff of every matMul
  // uses the transposed forms, so this is most of the backward pass.
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = kernel(name);
    replace(name, (args) => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return original(args);
      const tmp: Info[] = [];
      const a = attrs.transposeA ? swapLast(inputs.a, backend) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b, backend) : inputs.b;
      if (a !== inputs.a) tmp.push(a);
      if (b !== inputs.b) tmp.push(b);
      // Removing transposeB also avoids the fused kernel's bias bug (rows after the first corrupted).
      const out = original({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      for (const t of tmp) backend.disposeData(t.dataId);
      return out;
    });
  }

  // oneHot(…, 'float32') writes int32 bit patterns into the float buffer: build int32, then cast.
  const oneHot = kernel('OneHot');
  const cast = kernel('Cast');
  replace('OneHot', (args) => {
    if (args.attrs.dtype === 'int32') return oneHot(args);
    const ints = oneHot({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as Info;
    const out = cast({ inputs: { x: ints }, backend: args.backend, attrs: { dtype: args.attrs.dtype } }) as Info;
    args.backend.disposeData(ints.dataId);
    return out;
  });

  // wasm has no UnsortedSegmentSum, the gradient of gather: every embedding fails on its first
  // backward step without it (and cpu's is very slow). A scatter-add over the heap is enough.
  replace('UnsortedSegmentSum', ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs;
    const numSegments = attrs.numSegments as number;
    const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
    const width = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
    const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const dst = backend.typedArrayFromHeap(out);
    dst.fill(0);
    const src = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    for (let r = 0; r < rows; r++) {
      const s = ids[r];
      if (s < 0 || s >= numSegments) continue;
      const so = r * width;
      const d = s * width;
      for (let k = 0; k < width; k++) dst[d + k] += src[so + k];
    }
    return out;
  });
}
