/** Measured peak of one AWD-LSTM training step against memory.ts's estimate (memory.test.ts, bench/peak.ts). */
import * as tf from '@tensorflow/tfjs';
import { resolveModel } from '../../src/train/config.js';
import { initParams, noDecay, disposeParams } from '../../src/train/params.js';
import { Adam } from '../../src/train/adam.js';
import { Dropout, initState, disposeState } from '../../src/train/model.js';
import { trainStep } from '../../src/train/tasks/lm.js';
import { estimateBytes, type StepPlan } from '../../src/train/memory.js';
import type { LMBatch } from '../../src/types.js';

/** Peak live tensor bytes during one step (after a warm-up step: Adam's moments exist then). */
export async function measurePeak(spec: { vocab: number; emb: number; hidden: number; layers: number }, bs: number, seq: number, plan: StepPlan): Promise<{ peak: number; estimate: number }> {
  const c = resolveModel({ arch: 'awd-lstm', emb: spec.emb, hidden: spec.hidden, layers: spec.layers, tied: true, dropout: 0 }, spec.vocab);
  const p = initParams(c, 1);
  const opt = new Adam(p, noDecay(c));
  let state = initState(c, bs);
  const batch = (k: number): LMBatch => {
    const x = Int32Array.from({ length: bs * seq }, (_, i) => (i * 31 + k * 7) % spec.vocab);
    return { x, y: x.map((v) => (v * 13 + 1) % spec.vocab), bs, seqLen: seq };
  };
  const settings = { opt, hyper: { lr: 1e-3, beta1: 0.9, beta2: 0.99, wd: 0.01, eps: 1e-5 }, clip: 0.25 };
  const step = async (k: number) => {
    const r = await trainStep(c, p, settings, batch(k), state, new Dropout(true, 1, k), plan);
    disposeState(state);
    state = r.state;
  };
  await step(0);
  const info = await tf.profile(async () => { await step(1); });
  disposeState(state); opt.dispose(); disposeParams(p);
  return { peak: info.peakBytes, estimate: estimateBytes(c, bs, seq, plan) };
}
