import * as tf from '@tensorflow/tfjs';
import { resolveModel } from './config.js';
import { initParams, disposeParams } from './params.js';
import { decode, Dropout, forward, initState, disposeState } from './model.js';
import { crossEntropy } from './loss.js';

/**
 * A forward and backward pass of a tiny two-layer tied LSTM language model (embedding gather,
 * the fused LSTM layer, the output matMul, the softmax cross-entropy and all their gradients) on
 * the current backend, read back asynchronously (WebGPU under Node has no synchronous read).
 * A backend whose numbers differ from the cpu backend's is not used.
 */
export async function smokeTest(): Promise<number[][]> {
  const c = resolveModel({ arch: 'lstm', emb: 8, hidden: 8, layers: 2, tied: true, dropout: 0 }, 11);
  const ids = Int32Array.from({ length: 3 * 4 }, (_, i) => (i * 7) % 11);
  const tgt = Int32Array.from({ length: 3 * 4 }, (_, i) => (i * 5 + 1) % 11);
  const p = initParams(c, 7);
  const state = initState(c, 4);
  const { grads, value } = tf.variableGrads(() => {
    const f = forward(c, p, ids, 3, 4, state, new Dropout(false, 0, 0));
    const loss = crossEntropy(decode(c, p, f.out), tgt);
    disposeState(f.state);
    return loss;
  }, [...p.values()]);
  const out = [Array.from(await value.data())];
  for (const g of Object.values(grads)) out.push(Array.from(await g.data()));
  tf.dispose([...Object.values(grads), value]);
  disposeState(state);
  disposeParams(p);
  return out;
}

/** Largest absolute difference between two smoke-test results (Infinity if shapes differ). */
export function smokeDiff(a: number[][], b: number[][]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) m = Infinity;
    else x.forEach((v, j) => { m = Math.max(m, Math.abs(v - b[i][j])); });
  });
  return Number.isNaN(m) ? Infinity : m;
}
