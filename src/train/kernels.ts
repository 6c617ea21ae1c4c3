import * as tf from '@tensorflow/tfjs';

/**
 * Workarounds for defects of tfjs-backend-wasm 4.22.0, each guarded by a wasm-vs-cpu test
 * (test/train/kernels.test.ts) so a tfjs upgrade cannot silently break training.
 */
type Info = tf.TensorInfo;
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  incRef(dataId: object): void;
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
  const identity = kernel('Identity');
  const slice = kernel('Slice');
  const unpack = kernel('Unpack');
  const splitV = kernel('SplitV');
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

  // The engine clones every tensor a gradient needs (Identity); wasm's Identity copies the data,
  // a measurable share of each step. No wasm kernel writes into its inputs, so sharing is safe.
  replace('Identity', ({ inputs, backend }) => {
    const { x } = inputs;
    if (x.dtype === 'string') return identity({ inputs, backend, attrs: {} }) as Info;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });

  // wasm's Slice, Unpack and SplitV copy the whole input out of the heap (readSync) for every
  // piece: unstacking a [seq, bs, G·h] projection copied it seq times, half of a training step.
  // Copy only the slice, from a heap view.
  const sliceInto = (backend: WasmBackend, x: Info, begin: number[], size: number[], outShape: number[]): Info => {
    const out = backend.makeOutput(outShape, x.dtype);
    // Views after makeOutput: allocating may grow (and so detach) the heap.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const rank = x.shape.length;
    if (rank === 0) { dst.set(src); return out; }
    const strides = tf.util.computeStrides(x.shape);
    const inner = size[rank - 1];
    const outer = size.slice(0, -1);
    const count = outer.reduce((a, b) => a * b, 1);
    const idx = new Array(rank - 1).fill(0);
    for (let r = 0, o = 0; r < count; r++, o += inner) {
      let off = begin[rank - 1];
      for (let d = 0; d < rank - 1; d++) off += (begin[d] + idx[d]) * strides[d];
      dst.set(src.subarray(off, off + inner), o);
      for (let d = rank - 2; d >= 0; d--) { if (++idx[d] < outer[d]) break; idx[d] = 0; }
    }
    return out;
  };
  replace('Slice', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x.dtype === 'string') return slice({ inputs, backend, attrs }) as Info;
    const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    return sliceInto(backend, x, begin, size, size);
  });
  replace('Unpack', (args) => {
    const { inputs: { value: x }, backend } = args;
    if (x.dtype === 'string') return unpack(args);
    const rank = x.shape.length;
    const axis = ((args.attrs.axis as number) + rank) % rank;
    const n = x.shape[axis];
    const outShape = x.shape.filter((_, i) => i !== axis);
    const size = x.shape.slice();
    size[axis] = 1;
    return Array.from({ length: n }, (_, i) => {
      const begin = new Array(rank).fill(0);
      begin[axis] = i;
      return sliceInto(backend, x, begin, size, outShape);
    });
  });
  replace('SplitV', (args) => {
    const { inputs: { x }, backend, attrs } = args;
    if (x.dtype === 'string') return splitV(args);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number[], axis);
    const begin = new Array(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const out = sliceInto(backend, x, begin.slice(), size, size);
      begin[axis] += s;
      return out;
    });
  });

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
    const rows = size(segmentIds.shape);
    const width = size(x.shape.slice(segmentIds.shape.length));
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
    const width = size(x.shape.slice(1));
    const n = size(indices.shape);
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
  // Column sums (the bias gradient) went through a slow transpose; sum rows directly.
  replace('Sum', (args) => {
    const { inputs: { x }, backend, attrs } = args;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    if (x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 0 || x.dtype !== 'float32') return sum(args);
    const [rows, cols] = x.shape;
    const out = backend.makeOutput(attrs.keepDims ? [1, cols] : [cols], x.dtype);
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const acc = new Float64Array(cols);
    for (let i = 0; i < rows; i++) { const o = i * cols; for (let j = 0; j < cols; j++) acc[j] += src[o + j]; }
    (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
    return out;
  });
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function scatterAdd(src: Float32Array, ids: Int32Array, dst: Float32Array, rows: number, width: number, segments: number): void {
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= segments) continue;
    const so = r * width;
    const d = s * width;
    for (let k = 0; k < width; k++) dst[d + k] += src[so + k];
  }
}
