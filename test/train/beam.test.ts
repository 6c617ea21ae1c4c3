import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { resolveModel } from '../../src/train/config.js';
import { initParams, disposeParams, type Params } from '../../src/train/params.js';
import { decode, Dropout, forward, timeMajor } from '../../src/train/model.js';
import { generateIds } from '../../src/train/generate.js';
import { beamSearch, sequenceLogProb } from '../../src/train/beam.js';
import type { ModelSpec } from '../../src/pipeline/spec.js';
import type { WordmillError } from '../../src/errors.js';

const V = 17;
const MODELS: [string, ModelSpec][] = [
  ['gpt', { arch: 'gpt', emb: 8, layers: 2, heads: 2, context: 5, dropout: 0.1 }],
  ['lstm', { arch: 'lstm', emb: 8, hidden: 8, layers: 1, tied: false, dropout: 0.2 }],
];

/** Random weights made peaky (an untrained GPT is near uniform), so decoding choices matter. */
function peaky(spec: ModelSpec, seed: number): { c: ReturnType<typeof resolveModel>; p: Params } {
  const c = resolveModel(spec, V);
  const p = initParams(c, seed);
  for (const k of ['wte', 'dec.w', 'emb']) { const v = p.get(k); if (v) tf.tidy(() => v.assign(tf.mul(v, spec.arch === 'gpt' ? 60 : 6))); }
  return { c, p };
}

const PROMPT = [3, 1, 4, 1, 5, 9, 2];

for (const [name, spec] of MODELS) {
  test(`${name}: greedy is deterministic and equals beam search with one beam; 5 beams score at least greedy's log-prob`, async () => {
    await wasmReady();
    for (const seed of [1, 2, 3]) {
      const { c, p } = peaky(spec, seed);
      const o = { promptIds: PROMPT, words: 8, greedy: true, samples: 1 };
      const g = await generateIds(c, p, o);
      assert.deepEqual(await generateIds(c, p, o), g, 'greedy twice');
      assert.deepEqual(await generateIds(c, p, { ...o, samples: 3 }), [g[0], g[0], g[0]], 'every greedy row alike');
      assert.deepEqual(await generateIds(c, p, { ...o, beams: 1, greedy: false }), g, 'beams 1 = greedy');
      const beams = await beamSearch(c, p, PROMPT, 8, 5);
      assert.equal(beams.length, 5);
      for (let i = 1; i < beams.length; i++) assert.ok(beams[i - 1].logProb >= beams[i].logProb, 'best first');
      assert.equal(new Set(beams.map((b) => b.ids.join())).size, 5, 'distinct beams');
      const greedyLp = await sequenceLogProb(c, p, PROMPT, g[0]);
      assert.ok(beams[0].logProb >= greedyLp - 1e-9, `seed ${seed}: beam ${beams[0].logProb} < greedy ${greedyLp}`);
      assert.ok(Math.abs(beams[0].logProb - await sequenceLogProb(c, p, PROMPT, beams[0].ids)) < 1e-4, 'the reported score is the sequence\'s');
      assert.deepEqual(await generateIds(c, p, { ...o, greedy: false, beams: 5, samples: 2 }), beams.slice(0, 2).map((b) => b.ids));
      const banned = new Set([g[0][0]]);
      assert.ok((await beamSearch(c, p, PROMPT, 3, 2, banned)).every((b) => b.ids.every((id) => !banned.has(id))), 'banned ids never chosen');
      disposeParams(p);
    }
  });
}

test('gpt generation re-runs over the last `context` tokens: each greedy step is the arg-max of a full forward over that window', async () => {
  await wasmReady();
  const { c, p } = peaky(MODELS[0][1], 4);
  const context = 5;
  const out = (await generateIds(c, p, { promptIds: PROMPT, words: 6, greedy: true }))[0];
  const row = [...PROMPT];
  for (const id of out) {
    const win = Int32Array.from(row.slice(-context));
    const logits = tf.tidy(() => decode(c, p, forward(c, p, timeMajor(win, 1, win.length), win.length, 1, [], new Dropout(false, 0, 0)).out).arraySync() as number[][]);
    const last = logits[logits.length - 1];
    assert.equal(id, last.indexOf(Math.max(...last)));
    row.push(id);
  }
  await assert.rejects(generateIds(c, p, { promptIds: PROMPT, words: 2, beams: 2, samples: 3 }), (e: WordmillError) => e.code === 'WM_ERR_OPTION' && /num_return_sequences/.test(e.message));
  disposeParams(p);
});

test('sampling with temperature and top-k stays seeded for a stateless model', async () => {
  await wasmReady();
  const { c, p } = peaky(MODELS[0][1], 5);
  const o = { promptIds: PROMPT, words: 10, temperature: 1.5, topK: 4, samples: 3, seed: 7 };
  const a = await generateIds(c, p, o);
  assert.deepEqual(await generateIds(c, p, o), a);
  assert.notDeepEqual(await generateIds(c, p, { ...o, seed: 8 }), a);
  disposeParams(p);
});
