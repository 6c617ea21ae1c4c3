import * as tf from '@tensorflow/tfjs';
import { kernel, replace, type Info, type WasmBackend } from './kernel-util.js';

/** Data-movement kernels of the wasm backend that copied far more than they needed to. */
export function installCopyKernels(): void {
  const identity = kernel('Identity');
  const slice = kernel('Slice');
  const unpack = kernel('Unpack');
  const splitV = kernel('SplitV');

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
    const count = tf.util.sizeFromShape(outer);
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
}
