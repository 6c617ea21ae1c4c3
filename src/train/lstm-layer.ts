import * as tf from '@tensorflow/tfjs';
import { hasLstmKernels, LSTM_BACKWARD, LSTM_FORWARD } from './lstm-wasm.js';

/**
 * A whole LSTM layer over a sequence as one differentiable op with a hand-written backward pass.
 * Autodiff of the per-step cell records ~30 tape nodes per step, each cloning its inputs, and
 * computes the recurrent weight gradient as seq small matMuls; here the backward keeps only the
 * recurrence in the loop (7 ops per step) and computes dWh as one [h, seq·bs]·[seq·bs, 4h] matMul.
 *
 * xw: input projection plus bias, [seq, bs, 4h], gate order [i, f, o, g]; wh: [h, 4h].
 * Returns all outputs [seq, bs, h]; the final (h, c) go to `final`, kept and detached.
 */
export function lstmLayer(xw: tf.Tensor3D, wh: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, final: { h?: tf.Tensor2D; c?: tf.Tensor2D }): tf.Tensor3D {
  const [seq, bs, g4] = xw.shape;
  const h = g4 / 4;
  if (hasLstmKernels()) return kernelLayer(xw, wh, h0, c0, final);
  const f = tf.customGrad(((xwIn: tf.Tensor3D, whIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const steps = tf.unstack(xwIn) as tf.Tensor2D[];
    let hp = h0, cp = c0;
    const ys: tf.Tensor2D[] = [], ss: tf.Tensor2D[] = [], gs: tf.Tensor2D[] = [], cs: tf.Tensor2D[] = [];
    for (let t = 0; t < seq; t++) {
      // Per step only what the backward pass reads survives (gates, candidate, cell, output): the
      // gate pre-activations, slices and products would otherwise stay alive until the step ends.
      const [y, s, g, c] = tf.tidy(() => {
        const z = tf.add(steps[t], tf.matMul(hp, whIn));
        const sg = tf.sigmoid(tf.slice(z, [0, 0], [bs, 3 * h])) as tf.Tensor2D;
        const gt = tf.tanh(tf.slice(z, [0, 3 * h], [bs, h])) as tf.Tensor2D;
        const [i, fg, o] = tf.split(sg, 3, 1);
        const ct = tf.add(tf.mul(fg, cp), tf.mul(i, gt)) as tf.Tensor2D;
        return [tf.mul(o, tf.tanh(ct)) as tf.Tensor2D, sg, gt, ct];
      });
      ys.push(y); ss.push(s); gs.push(g); cs.push(c);
      hp = y; cp = c;
    }
    final.h = tf.keep(hp.clone());
    final.c = tf.keep(cp.clone());
    const Y = tf.stack(ys) as tf.Tensor3D;
    // h0 and c0 are saved too: a state computed inside the gradient scope (the classifier's
    // SentenceEncoder carries it from chunk to chunk) would otherwise be gone by the backward pass.
    save([tf.stack(ss), tf.stack(gs), tf.stack(cs), whIn, Y, h0, c0]);
    for (const t of [...steps, ...ys, ...ss, ...gs, ...cs]) t.dispose();
    return {
      value: Y,
      // In a tidy: customGrad's backward runs in the caller's scope, which would keep every temporary
      // of every layer's backward pass alive until the whole step's gradients are done.
      gradFunc: (dY: tf.Tensor3D, saved: tf.Tensor[]) => tf.tidy(() => lstmBackward(dY, saved.slice(0, 5) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor3D], saved[5] as tf.Tensor2D, saved[6] as tf.Tensor2D, seq, bs, h)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xw, wh) as tf.Tensor3D;
}

/** The same op on the backends that register lstm-wasm.ts's kernels: both loops in one kernel call each. */
function kernelLayer(xw: tf.Tensor3D, wh: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, final: { h?: tf.Tensor2D; c?: tf.Tensor2D }): tf.Tensor3D {
  const [seq, bs, g4] = xw.shape;
  const h = g4 / 4;
  const f = tf.customGrad(((xwIn: tf.Tensor3D, whIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const [Y, A, C, TC] = tf.engine().runKernel(LSTM_FORWARD, { xw: xwIn, wh: whIn, h0, c0 }, {}) as tf.Tensor3D[];
    const last = (t: tf.Tensor3D) => tf.keep(tf.reshape(tf.slice(t, [seq - 1, 0, 0], [1, bs, h]), [bs, h]) as tf.Tensor2D);
    final.h = last(Y);
    final.c = last(C);
    save([A, C, TC, whIn, Y, h0, c0]);
    return {
      value: Y,
      gradFunc: (dY: tf.Tensor3D, [act, c, tc, whS, y, h0S, c0S]: tf.Tensor[]) => tf.tidy(() => {
        const whT = tf.transpose(whS);
        const dXw = tf.engine().runKernel(LSTM_BACKWARD, { dY, act, c, tc, whT, c0: c0S }, {}) as tf.Tensor3D;
        return [dXw, recurrentWeightGrad(h0S as tf.Tensor2D, y as tf.Tensor3D, dXw, seq, bs, h)];
      }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xw, wh) as tf.Tensor3D;
}

/** dWh as one [h, seq·bs]·[seq·bs, 4h] product: each step's input state is h0 or the previous output. */
function recurrentWeightGrad(h0: tf.Tensor2D, Y: tf.Tensor3D, dXw: tf.Tensor3D, seq: number, bs: number, h: number): tf.Tensor2D {
  const Hprev = tf.concat([tf.expandDims(h0, 0), tf.slice(Y, [0, 0, 0], [seq - 1, bs, h])], 0);
  return tf.matMul(tf.transpose(tf.reshape(Hprev, [seq * bs, h])), tf.reshape(dXw, [seq * bs, 4 * h]));
}

function lstmBackward(dY: tf.Tensor3D, [S, G, C, Wh, Y]: [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor3D],
  h0: tf.Tensor2D, c0: tf.Tensor2D, seq: number, bs: number, h: number): tf.Tensor[] {
  // Everything that does not depend on the recurrence is computed for all steps at once.
  const [I, F, O] = tf.split(S, 3, 2);
  const TC = tf.tanh(C);
  const Cprev = tf.concat([tf.expandDims(c0, 0), tf.slice(C, [0, 0, 0], [seq - 1, bs, h])], 0);
  const A = tf.mul(O, tf.sub(1, tf.square(TC))); // dc/dh through h = o·tanh(c)
  const one = tf.scalar(1);
  const B = tf.concat([
    tf.mul(G, tf.mul(I, tf.sub(one, I))), // dz_i / dc
    tf.mul(Cprev, tf.mul(F, tf.sub(one, F))), // dz_f / dc
    tf.mul(TC, tf.mul(O, tf.sub(one, O))), // dz_o / dh
    tf.mul(I, tf.sub(one, tf.square(G))), // dz_g / dc
  ], 2);
  const dYs = tf.unstack(dY) as tf.Tensor2D[];
  const As = tf.unstack(A) as tf.Tensor2D[];
  const Fs = tf.unstack(F) as tf.Tensor2D[];
  const Bs = tf.unstack(B) as tf.Tensor2D[];
  const WhT = tf.transpose(Wh);
  const dZ: tf.Tensor2D[] = new Array(seq);
  let dhNext: tf.Tensor2D | undefined, dcNext: tf.Tensor2D | undefined;
  for (let t = seq - 1; t >= 0; t--) {
    const [dz, dcN, dhN] = tf.tidy(() => {
      const dh = (dhNext ? tf.add(dYs[t], dhNext) : dYs[t]) as tf.Tensor2D;
      const dcH = tf.mul(dh, As[t]) as tf.Tensor2D;
      const dc = (dcNext ? tf.add(dcNext, dcH) : dcH) as tf.Tensor2D;
      const z = tf.mul(tf.concat([dc, dc, dh, dc], 1), Bs[t]) as tf.Tensor2D;
      if (t === 0) return [z];
      return [z, tf.mul(dc, Fs[t]) as tf.Tensor2D, tf.matMul(z, WhT as tf.Tensor2D) as tf.Tensor2D];
    });
    dhNext?.dispose(); dcNext?.dispose();
    dZ[t] = dz; dcNext = dcN; dhNext = dhN;
  }
  const dXw = tf.stack(dZ) as tf.Tensor3D;
  return [dXw, recurrentWeightGrad(h0, Y, dXw, seq, bs, h)];
}
