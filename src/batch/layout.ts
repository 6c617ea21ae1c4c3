/**
 * Column-major helpers for streams laid out as torch's `data.view(bs, -1).t()`: `bs` columns, column
 * c holding tokens `[c*rows, (c+1)*rows)` of `stream`. Row t of the matrix is time step t.
 */
import type { LMBatchOut } from './types.js';

type Src = ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> };

/** Time steps `[from, from + len)` of every column, sequence-major (`[len, bs]`). */
function sliceSteps(stream: Src, rows: number, bs: number, from: number, len: number): Int32Array {
  const out = new Int32Array(bs * len);
  // Column outer: reads stay sequential in the big stream, the scattered writes hit a batch-sized buffer.
  for (let c = 0; c < bs; c++) {
    const base = c * rows + from;
    for (let t = 0; t < len; t++) out[t * bs + c] = stream[base + t];
  }
  return out;
}

/** The batch of time steps `[from, from + len)` (targets one step later), batch-first or sequence-major. */
export function columnBatch(stream: Src, rows: number, bs: number, from: number, len: number, sequenceMajor: boolean): LMBatchOut {
  if (!sequenceMajor) {
    const { x, y } = windows(stream, bs, len, (c) => c * rows + from);
    return { x, y, bs, seqLen: len };
  }
  const x = sliceSteps(stream, rows, bs, from, len);
  const y = sliceSteps(stream, rows, bs, from + 1, len);
  return { x, y, bs, seqLen: len, layout: 'sequence-major' };
}

/**
 * Row-major x and y for `rows` windows of `len` tokens starting at `startOf(r)`. y is built from x
 * (a same-type copy shifted by one, plus one token per row) instead of a second uint16 → int32
 * conversion: measured 92 → ~130 M tokens/s for fastai's 64 × 72 batches.
 */
export function windows(src: Src, rows: number, len: number,
  startOf: (r: number) => number): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(rows * len);
  const y = new Int32Array(rows * len);
  for (let r = 0; r < rows; r++) {
    const s = startOf(r);
    const o = r * len;
    x.set(src.subarray(s, s + len) as never, o);
    y.set(x.subarray(o + 1, o + len), o);
    y[o + len - 1] = src[s + len];
  }
  return { x, y };
}
