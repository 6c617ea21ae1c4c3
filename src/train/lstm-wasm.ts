import { hasKernel, heapOffset, kernel, replace, type Info, type KernelFn, type WasmBackend } from './kernel-util.js';
import { simdModule, type LstmSimd } from './simd/load.js';

/**
 * The fused LSTM layer's two loops as wasm kernels: per time step one XNNPACK product (h·Wh, or
 * dz·Whᵀ going back) and one pass over the gates, with no tensors, tape or scope in between.
 * Through tf ops a step was ~12 kernel calls forward and 7 back, each with its dispatch and a pass
 * over [bs, 4h] or [bs, h] values (T1 under tf.profile: ~200 µs a time step forward, and one
 * Concat of each step back 124 µs). The gate pass is simd/lstm.wat, 4 lanes on the heap in place;
 * where h is not a multiple of 4 (or the module cannot load), the same math in JS, float64 (T1's
 * [64 × 64] step forward: 130–200 µs in JS, 34 µs in SIMD; back: 3.6 µs in SIMD). Layouts: xw and the saved activations are [seq, bs, 4h] in gate order
 * [i, f, o, g]; lstm-layer.ts owns the op and its gradient.
 */
export const LSTM_FORWARD = 'WordmillLstmForward';
export const LSTM_BACKWARD = 'WordmillLstmBackward';

// tanh as a [13/6] rational function on [-7.9, 7.9] (Eigen's float coefficients; error against
// Math.tanh 5.4e-8 inside, 2.6e-7 at the clamp), 5× faster than Math.tanh in V8. σ(x) = (1 + tanh(x/2)) / 2.
const CLAMP = 7.90531110763549805;
export function fastTanh(x: number): number {
  const v = x > CLAMP ? CLAMP : x < -CLAMP ? -CLAMP : x;
  const v2 = v * v;
  let p = v2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = v2 * p - 8.60467152213735e-11;
  p = v2 * p + 5.12229709037114e-8;
  p = v2 * p + 1.48572235717979e-5;
  p = v2 * p + 6.37261928875436e-4;
  p = v2 * p + 4.89352455891786e-3;
  let q = v2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = v2 * q + 2.268434632439e-3;
  q = v2 * q + 4.89352518554385e-3;
  return (v * p) / q;
}
const sigmoid = (x: number): number => 0.5 + 0.5 * fastTanh(0.5 * x);

const f32 = (b: WasmBackend, t: Info): Float32Array => b.typedArrayFromHeap(t) as Float32Array;
const plainMatMul = (matMul: KernelFn, a: Info, b: Info, backend: WasmBackend): Info =>
  matMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
const gateKernels = (b: WasmBackend, h: number): LstmSimd | null => (h % 4 === 0 ? simdModule('lstm', b.wasm) : null);

/** xw [seq, bs, 4h], wh [h, 4h], h0, c0 [bs, h] → Y, the gates' activations [seq, bs, 4h], C and tanh(C) [seq, bs, h]. */
const forward: KernelFn = ({ inputs: { xw, wh, h0, c0 }, backend }) => {
  const [seq, bs, g4] = xw.shape;
  const h = g4 / 4, n = bs * h;
  const matMul = kernel('BatchMatMul');
  const simd = gateKernels(backend, h);
  const outs = [[seq, bs, h], [seq, bs, g4], [seq, bs, h], [seq, bs, h]].map((s) => backend.makeOutput(s, 'float32'));
  const [y, act, c, tc] = outs;
  const hp = backend.makeOutput([bs, h], 'float32');
  f32(backend, hp).set(f32(backend, h0));
  for (let t = 0; t < seq; t++) {
    const mm = plainMatMul(matMul, hp, wh, backend);
    const cp = t === 0 ? heapOffset(backend, c0) : heapOffset(backend, c, (t - 1) * n);
    if (simd) simd.forward(heapOffset(backend, xw, t * bs * g4), heapOffset(backend, mm), cp, heapOffset(backend, act, t * bs * g4), heapOffset(backend, c, t * n), heapOffset(backend, tc, t * n), heapOffset(backend, y, t * n), heapOffset(backend, hp), bs, h);
    else jsForward(backend, { xw, mm, c0, y, act, c, tc, hp }, t, bs, h);
    backend.disposeData(mm.dataId);
  }
  backend.disposeData(hp.dataId);
  return outs;
};

function jsForward(backend: WasmBackend, io: Record<'xw' | 'mm' | 'c0' | 'y' | 'act' | 'c' | 'tc' | 'hp', Info>, t: number, bs: number, h: number): void {
  // Views after the product: its allocations may grow (and so detach) the heap.
  const [X, Z, Y, A, C, TC, H] = [io.xw, io.mm, io.y, io.act, io.c, io.tc, io.hp].map((x) => f32(backend, x));
  const g4 = 4 * h, n = bs * h;
  const cp = t === 0 ? f32(backend, io.c0) : C;
  const cOff = t === 0 ? 0 : (t - 1) * n;
  for (let r = 0; r < bs; r++) {
    const zr = r * g4, xr = t * bs * g4 + zr;
    for (let j = 0; j < h; j++) {
      const i = sigmoid(X[xr + j] + Z[zr + j]);
      const f = sigmoid(X[xr + h + j] + Z[zr + h + j]);
      const o = sigmoid(X[xr + 2 * h + j] + Z[zr + 2 * h + j]);
      const g = fastTanh(X[xr + 3 * h + j] + Z[zr + 3 * h + j]);
      const k = r * h + j, at = t * n + k;
      const c = Math.fround(f * cp[cOff + k] + i * g);
      const tc = Math.fround(fastTanh(c));
      A[xr + j] = i; A[xr + h + j] = f; A[xr + 2 * h + j] = o; A[xr + 3 * h + j] = g;
      C[at] = c; TC[at] = tc;
      Y[at] = H[k] = o * tc;
    }
  }
}

/** dY [seq, bs, h], the forward's activations, C, tanh(C), Whᵀ [4h, h] and c0 → dXw [seq, bs, 4h] (the gates' pre-activation gradients). */
const backward: KernelFn = ({ inputs: { dY, act, c, tc, whT, c0 }, backend }) => {
  const [seq, bs, h] = dY.shape;
  const g4 = 4 * h, n = bs * h;
  const matMul = kernel('BatchMatMul');
  const simd = gateKernels(backend, h);
  const dX = backend.makeOutput([seq, bs, g4], 'float32');
  const dz = backend.makeOutput([bs, g4], 'float32');
  // dc and dh from the step after; both start at zero.
  const dcNext = backend.makeOutput([bs, h], 'float32');
  let dhNext = backend.makeOutput([bs, h], 'float32');
  f32(backend, dcNext).fill(0);
  f32(backend, dhNext).fill(0);
  for (let t = seq - 1; t >= 0; t--) {
    const cp = t === 0 ? heapOffset(backend, c0) : heapOffset(backend, c, (t - 1) * n);
    if (simd) simd.backward(heapOffset(backend, dY, t * n), heapOffset(backend, dhNext), heapOffset(backend, dcNext), heapOffset(backend, act, t * bs * g4), heapOffset(backend, tc, t * n), cp, heapOffset(backend, dz), heapOffset(backend, dX, t * bs * g4), bs, h);
    else jsBackward(backend, { dY, dhNext, dcNext, act, tc, c, c0, dz, dX }, t, bs, h);
    backend.disposeData(dhNext.dataId);
    if (t > 0) dhNext = plainMatMul(matMul, dz, whT, backend);
  }
  backend.disposeData(dz.dataId);
  backend.disposeData(dcNext.dataId);
  return dX;
};

function jsBackward(backend: WasmBackend, io: Record<'dY' | 'dhNext' | 'dcNext' | 'act' | 'tc' | 'c' | 'c0' | 'dz' | 'dX', Info>, t: number, bs: number, h: number): void {
  const [DY, DH, DC, A, TC, C, DZ, DX] = [io.dY, io.dhNext, io.dcNext, io.act, io.tc, io.c, io.dz, io.dX].map((x) => f32(backend, x));
  const g4 = 4 * h, n = bs * h;
  const cp = t === 0 ? f32(backend, io.c0) : C;
  const cOff = t === 0 ? 0 : (t - 1) * n;
  for (let r = 0; r < bs; r++) {
    const zr = r * g4, ar = t * bs * g4 + zr;
    for (let j = 0; j < h; j++) {
      const k = r * h + j, at = t * n + k;
      const i = A[ar + j], f = A[ar + h + j], o = A[ar + 2 * h + j], g = A[ar + 3 * h + j];
      const tcv = TC[at];
      const dh = DY[at] + DH[k];
      const dc = DC[k] + dh * o * (1 - tcv * tcv);
      DZ[zr + j] = dc * g * i * (1 - i);
      DZ[zr + h + j] = dc * cp[cOff + k] * f * (1 - f);
      DZ[zr + 2 * h + j] = dh * tcv * o * (1 - o);
      DZ[zr + 3 * h + j] = dc * i * (1 - g * g);
      DC[k] = dc * f;
    }
  }
  DX.set(DZ, t * bs * g4);
}

/** Registers both kernels on wasm (their JS loops run where lstm.wat cannot load); lstm-layer.ts uses them wherever they are registered. */
export function installLstmKernels(): void {
  replace(LSTM_FORWARD, forward);
  replace(LSTM_BACKWARD, backward);
}

export const hasLstmKernels = (): boolean => hasKernel(LSTM_FORWARD);
