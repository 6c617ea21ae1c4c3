/**
 * Column-major helpers for streams laid out as torch's `data.view(bs, -1).t()`: `bs` columns, column
 * c holding tokens `[c*rows, (c+1)*rows)` of `stream`. Row t of the matrix is time step t.
 */
export function sliceSteps(stream: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, rows: number, bs: number,
  from: number, len: number, sequenceMajor: boolean): Int32Array {
  const out = new Int32Array(bs * len);
  if (sequenceMajor) {
    for (let t = 0; t < len; t++) for (let c = 0; c < bs; c++) out[t * bs + c] = stream[c * rows + from + t];
  } else {
    for (let c = 0; c < bs; c++) out.set(stream.subarray(c * rows + from, c * rows + from + len) as never, c * len);
  }
  return out;
}
