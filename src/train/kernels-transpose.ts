import * as tf from '@tensorflow/tfjs';
import { kernel, replace, type Info } from './kernel-util.js';

type Data = Float32Array | Int32Array | Uint8Array;

/**
 * A transpose reduced to its essentials: axes of size 1 dropped and runs of input axes that stay
 * adjacent in the output merged into one, so [16,128,3,4,32] by [2,0,3,1,4] becomes a 4-axis move
 * of 32-value runs. `perm[i]` is the input axis that output axis i reads.
 */
export function simplifyTranspose(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((ax) => shape[ax] !== 1);
  const groups: number[][] = [];
  for (const ax of kept) {
    const g = groups[groups.length - 1];
    if (g && ax === g[g.length - 1] + 1) g.push(ax);
    else groups.push([ax]);
  }
  const byInput = groups.map((_, i) => i).sort((i, j) => groups[i][0] - groups[j][0]);
  const rankOf = new Array<number>(groups.length);
  byInput.forEach((g, r) => { rankOf[g] = r; });
  return {
    shape: byInput.map((g) => groups[g].reduce((n, ax) => n * shape[ax], 1)),
    perm: groups.map((_, i) => rankOf[i]),
  };
}

/**
 * Whether a JS loop beats wasm's for a simplified transpose (measured per shape, see
 * installTranspose): a 2-D swap of a tall matrix, whose column writes wasm strides by a multiple of
 * 4 KB when it has hundreds of rows (cache-set conflicts), and a rank-5+ move that keeps the last
 * axis, done as runs of contiguous copies.
 */
export function jsTranspose(shape: number[], perm: number[]): boolean {
  const r = shape.length;
  return r <= 1 || (r === 2 && shape[0] >= TALL) || (r >= 5 && perm[r - 1] === r - 1);
}

const TALL = 256;

/** dst = transpose(src) for a simplified shape and perm that jsTranspose accepts. */
export function transposeInto(src: Data, dst: Data, shape: number[], perm: number[]): void {
  const r = shape.length;
  if (r <= 1) { dst.set(src.subarray(0, dst.length)); return; }
  if (r === 2) { transpose2d(src, dst, shape[0], shape[1]); return; }
  const inStride = new Array<number>(r);
  for (let d = r - 1, s = 1; d >= 0; d--) { inStride[d] = s; s *= shape[d]; }
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => inStride[p]);
  const n = shape[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  const rows = dst.length / n;
  for (let row = 0, off = 0, o = 0; row < rows; row++, o += n) {
    dst.set(src.subarray(off, off + n), o);
    for (let d = r - 2; d >= 0; d--) {
      off += step[d];
      if (++idx[d] < outShape[d]) break;
      off -= step[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

const TILE = 32;

/** [rows, cols] → [cols, rows] in 32×32 tiles, so that neither side strides across the cache. */
function transpose2d(src: Data, dst: Data, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let j = j0; j < j1; j++) {
        const o = j * rows;
        for (let i = i0; i < i1; i++) dst[o + i] = src[i * cols + j];
      }
    }
  }
}

/**
 * wasm's Transpose handles rank ≤ 4 with index arithmetic per value and rank 5+ by building two
 * index vectors per value (190 ns a value, measured: the small GPT's [16,128,3,4,32] q/k/v split
 * took 120–190 ms a call, 1.4 s of a 5.3 s step), and its 2-D loop strides across the cache
 * (10–16 ns a value for the GPT head's [2048, 11744]). Merged runs copied over heap views, and
 * tiled swaps, cost 0.5–3 ns a value (measured: [16,128,3,4,32] 43–71 → 0.9–2.1 ms a call,
 * [2048, 11744] 224–383 → 60–78 ms).
 */
export function installTranspose(): void {
  const original = kernel('Transpose');
  replace('Transpose', (args) => {
    const { inputs: { x }, backend, attrs } = args;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original(args);
    const perm = attrs.perm as number[];
    const outShape = perm.map((p) => x.shape[p]);
    const s = simplifyTranspose(x.shape, perm);
    if (tf.util.sizeFromShape(x.shape) === 0 || !jsTranspose(s.shape, s.perm)) {
      // wasm's loops, at the reduced rank (its 3-D and 4-D loops are fast for what stays in cache).
      const moved = original({ ...args, inputs: { x: { ...x, shape: s.shape } }, attrs: { perm: s.perm } }) as Info;
      moved.shape = outShape;
      return moved;
    }
    const out = backend.makeOutput(outShape, x.dtype);
    // Views after makeOutput: allocating may grow (and so detach) the heap.
    transposeInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), s.shape, s.perm);
    return out;
  });
}
