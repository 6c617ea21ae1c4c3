import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams, paramShapes } from '../../src/train/params.js';
import { decode, Dropout, forward, timeMajor } from '../../src/train/model.js';
import { modelDef } from '../../src/train/models/index.js';
import { Adam, adamDefaults } from '../../src/train/adam.js';
import { noDecayOf } from '../../src/train/params.js';
import { trainStep } from '../../src/train/tasks/lm.js';
import { estimateBytes } from '../../src/train/memory.js';
import { warmupCosine, scheduleAt } from '../../src/train/schedule.js';
import type { ModelSpec } from '../../src/pipeline/spec.js';
import type { WordmillError } from '../../src/errors.js';

const SPEC: ModelSpec = { arch: 'gpt', emb: 8, layers: 2, heads: 2, context: 6, dropout: 0 };
const V = 11;

/** Logits [bs·seq, V] of batch-major rows `x` [bs, seq], without dropout. */
function logitsOf(c: ReturnType<typeof resolveModel>, p: ReturnType<typeof initParams>, x: Int32Array, bs: number, seq: number): Float32Array {
  return tf.tidy(() => decode(c, p, forward(c, p, timeMajor(x, bs, seq), seq, bs, [], new Dropout(false, 0, 0)).out).dataSync() as Float32Array);
}

test('gpt: causal masking — changing a later token leaves every earlier position\'s logits unchanged', async () => {
  await wasmReady();
  const c = resolveModel(SPEC, V);
  const p = initParams(c, 3);
  const bs = 2, seq = 6;
  const x = Int32Array.from({ length: bs * seq }, (_, i) => (i * 7 + 1) % V);
  const base = logitsOf(c, p, x, bs, seq);
  for (const t of [1, 3, 5]) {
    const y = x.slice();
    y[t] = (y[t] + 4) % V; // row 0, position t
    const got = logitsOf(c, p, y, bs, seq);
    // time-major rows: position s of row b is row s·bs + b
    for (let s = 0; s < seq; s++) {
      let d = 0;
      for (let k = 0; k < V; k++) d = Math.max(d, Math.abs(got[(s * bs) * V + k] - base[(s * bs) * V + k]));
      if (s < t) assert.ok(d <= 1e-6, `position ${s} moved by ${d} when token ${t} changed`);
      else assert.ok(d > 1e-4, `position ${s} must see token ${t} (moved ${d})`);
      let other = 0;
      for (let k = 0; k < V; k++) other = Math.max(other, Math.abs(got[(s * bs + 1) * V + k] - base[(s * bs + 1) * V + k]));
      assert.ok(other <= 1e-6, 'another row never sees it');
    }
  }
  disposeParams(p);
});

test('gpt: stateless, tied to the embedding, GPT-2 init; layer groups cover every parameter once', async () => {
  await wasmReady();
  const c = resolveModel(SPEC, V);
  const m = modelDef('gpt');
  assert.deepEqual(m.state(c, 4), []);
  const names = paramShapes(c).map((s) => s.name);
  assert.ok(!names.some((n) => n.startsWith('dec')), 'no separate output layer');
  const g = m.groups(c);
  assert.equal(g.encoder.length, 1 + SPEC.layers);
  assert.deepEqual([...g.encoder.flat(), ...g.decoder].sort(), [...names].sort());
  const noDecay = noDecayOf(paramShapes(c));
  assert.ok(noDecay.has('h0.ln1.g') && noDecay.has('h1.attn.b') && !noDecay.has('h0.attn.w') && !noDecay.has('wte'), 'biases and LayerNorms are not decayed (nanoGPT)');
  const p = initParams(c, 1);
  const std = (k: string) => { const d = Array.from(p.get(k)!.dataSync()); return Math.sqrt(d.reduce((a, v) => a + v * v, 0) / d.length); };
  assert.ok(Math.abs(std('wte') - 0.02) < 0.005);
  assert.ok(std('h0.proj.w') < std('h0.attn.w'), 'residual projections scaled by 1/sqrt(2·layers)');
  assert.equal(p.get('h0.ln2.g')!.dataSync()[0], 1);
  disposeParams(p);
});

test('gpt: rows longer than context are refused; heads must divide emb; the memory estimate grows with context', async () => {
  await wasmReady();
  const c = resolveModel(SPEC, V);
  const p = initParams(c, 1);
  assert.throws(() => tf.tidy(() => { forward(c, p, new Int32Array(7 * 1), 7, 1, [], new Dropout(false, 0, 0)); }),
    (e: WordmillError) => e.code === 'WM_ERR_OPTION' && /model\.context \(6\)/.test(e.message));
  disposeParams(p);
  assert.throws(() => resolveModel({ ...SPEC, heads: 3 }, V), (e: WordmillError) => e.code === 'WM_ERR_OPTION' && /heads \(3\) must divide emb \(8\)/.test(e.message));
  const small = estimateBytes(c, 4, 6);
  assert.ok(estimateBytes(resolveModel({ ...SPEC, context: 600 }, V), 4, 6) > small);
  assert.ok(estimateBytes(resolveModel({ ...SPEC, layers: 8 }, V), 4, 6) > small);
});

test('gpt: AdamW steps on a repeated sequence drive the loss down', async () => {
  await wasmReady();
  const c = resolveModel({ ...SPEC, dropout: 0.1 }, V);
  const p = initParams(c, 5);
  const opt = new Adam(p, noDecayOf(paramShapes(c)));
  const bs = 2, seq = 6;
  const row = [1, 2, 3, 4, 5, 6, 7];
  const x = Int32Array.from({ length: bs * seq }, (_, i) => row[i % seq]);
  const y = Int32Array.from({ length: bs * seq }, (_, i) => row[(i % seq) + 1]);
  const batch = { kind: 'lm' as const, x, y, bs, seqLen: seq };
  const losses: number[] = [];
  for (let s = 0; s < 30; s++) {
    const hyper = { ...adamDefaults({ betas: [0.9, 0.95], wd: 0.1, eps: 1e-8 }), lr: 1e-2 };
    losses.push((await trainStep(c, p, { opt, hyper, clip: 1 }, batch, [], new Dropout(true, 1, s))).loss);
  }
  assert.ok(losses[0] > Math.log(V) - 0.5, `starts near uniform: ${losses[0]}`);
  assert.ok(losses[29] < losses[0] / 3, `learns: ${losses[0]} → ${losses[29]}`);
  opt.dispose();
  disposeParams(p);
});

test('warmup-cosine: linear warm-up to lr over warmupPct, then a half cosine to 0 (HF get_cosine_schedule_with_warmup)', () => {
  assert.equal(warmupCosine(1, 0, 0.1), 0);
  assert.ok(Math.abs(warmupCosine(1, 0.05, 0.1) - 0.5) < 1e-12);
  assert.equal(warmupCosine(1, 0.1, 0.1), 1);
  assert.ok(Math.abs(warmupCosine(1, 0.55, 0.1) - 0.5) < 1e-12);
  assert.ok(Math.abs(warmupCosine(1, 1, 0.1)) < 1e-12);
  assert.deepEqual(scheduleAt('warmup-cosine', 2, 0.9, 0.05, undefined, 0.1), { lr: 1, beta1: 0.9 });
});
