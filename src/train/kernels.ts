import * as tf from '@tensorflow/tfjs';
import { kernel, replace, type Info, type WasmBackend } from './kernel-util.js';
import { installCopyKernels } from './kernels-copy.js';
import { installTranspose } from './kernels-transpose.js';
import { batchedMatMul } from './kernels-batched.js';
import { installLstmKernels } from './lstm-wasm.js';
import { installAdamKernel } from './adam-wasm.js';
import { installSoftmaxKernel } from './softmax-wasm.js';

/**
 * Workarounds for defects of tfjs-backend-wasm 4.22.0, each guarded by a wasm-vs-cpu test
 * (test/train/kernels.test.ts) so a tfjs upgrade cannot silently break training.
 */
let installed = false;

export function installWasmFixes(): void {
  if (installed) return;
  installed = true;
  // First, so that the transposes below (swapLast) take the replacement.
  installTranspose();
  const transpose = kernel('Transpose');
  const gather = kernel('GatherV2');
  const sum = kernel('Sum');
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
    const plain: typeof original = (args) => (name === 'BatchMatMul' && batchedMatMul(original, args.inputs.a, args.inputs.b, args.backend)) || original(args);
    replace(name, (args) => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return plain(args);
      const tmp: Info[] = [];
      const a = attrs.transposeA ? swapLast(inputs.a, backend) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b, backend) : inputs.b;
      if (a !== inputs.a) tmp.push(a);
      if (b !== inputs.b) tmp.push(b);
      // Removing transposeB also avoids the fused kernel's bias bug (rows after the first corrupted).
      const out = plain({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      for (const t of tmp) backend.disposeData(t.dataId);
      return out;
    });
  }

  installCopyKernels();
  installLstmKernels();
  installAdamKernel();
  installSoftmaxKernel();

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
    const rows = tf.util.sizeFromShape(segmentIds.shape);
    const width = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
    const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    dst.fill(0);
    scatterAdd(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(segmentIds) as Int32Array, dst, rows, width, numSegments);
    return out;
  });

  // wasm's GatherV2 checks each index through a closure: an embedding lookup of 1024 ids cost
  // more than a same-sized matMul. A row copy over heap views is ~10x faster (measured).
  replace('GatherV2', (args) => {
    const { inputs: { x, indices }, backend, attrs } = args;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    if (axis !== 0 || (attrs.batchDims as number) !== 0 || x.dtype === 'string') return gather(args);
    const width = tf.util.sizeFromShape(x.shape.slice(1));
    const n = tf.util.sizeFromShape(indices.shape);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const src = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(indices);
    const dst = backend.typedArrayFromHeap(out);
    const rows = x.shape[0];
    for (let i = 0; i < n; i++) {
      const r = ids[i];
      if (!(r >= 0 && r < rows)) throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
      if (width === 1) dst[i] = src[r];
      else dst.set(src.subarray(r * width, (r + 1) * width), i * width);
    }
    return out;
  });
  // Column sums (the bias gradient) went through a slow transpose; as onesᵀ·x they are one small
  // matMul (measured 0.57 ms → well under 0.1 ms for [1024, 256]).
  const matMul = kernel('BatchMatMul');
  replace('Sum', (args) => {
    const { inputs: { x }, backend, attrs } = args;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    if (x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 0 || x.dtype !== 'float32') return sum(args);
    const [rows, cols] = x.shape;
    const ones = backend.makeOutput([1, rows], 'float32');
    (backend.typedArrayFromHeap(ones) as Float32Array).fill(1);
    const out = matMul({ inputs: { a: ones, b: x }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
    backend.disposeData(ones.dataId);
    out.shape = attrs.keepDims ? [1, cols] : [cols];
    return out;
  });

  // wasm's Tanh is a scalar loop (13 ns per value here, 3x its Sigmoid); tanh(x) = 2σ(2x) − 1
  // through the vectorised Sigmoid, with the two affine passes in JS, halves its cost.
  const sigmoid = kernel('Sigmoid');
  replace('Tanh', ({ inputs: { x }, backend }) => {
    const twice = backend.makeOutput(x.shape, 'float32');
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const t = backend.typedArrayFromHeap(twice) as Float32Array;
    for (let i = 0; i < t.length; i++) t[i] = 2 * src[i];
    const out = sigmoid({ inputs: { x: twice }, backend, attrs: {} }) as Info;
    backend.disposeData(twice.dataId);
    const o = backend.typedArrayFromHeap(out) as Float32Array;
    for (let i = 0; i < o.length; i++) o[i] = 2 * o[i] - 1;
    return out;
  });
}


function scatterAdd(src: Float32Array, ids: Int32Array, dst: Float32Array, rows: number, width: number, segments: number): void {
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= segments) continue;
    const so = r * width;
    const d = s * width;
    for (let k = 0; k < width; k++) dst[d + k] += src[so + k];
  }
}
