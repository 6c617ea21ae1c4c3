/** In-process tfjs for unit tests: the wasm backend (with its fixes) and the cpu reference. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/train/backend.js';

let ready: Promise<void> | undefined;
export function wasmReady(): Promise<void> {
  ready ??= selectBackend('wasm').then(() => undefined);
  return ready;
}

/** Runs `f` on `backend` and returns its result as plain arrays (so backends can be compared). */
export async function on<T>(backend: 'wasm' | 'cpu', f: () => T): Promise<T> {
  await wasmReady();
  await tf.setBackend(backend);
  try { return f(); } finally { await tf.setBackend('wasm'); }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export { tf };
