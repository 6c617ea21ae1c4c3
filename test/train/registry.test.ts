import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, wasmReady } from './tf-env.js';
import { ARCHS, checkArch } from '../../src/train/models/names.js';
import { modelDef, registeredArchs } from '../../src/train/models/index.js';
import { resolveModel, resolveRecurrent } from '../../src/train/config.js';
import { initParams, disposeParams, paramShapes } from '../../src/train/params.js';
import { decode, disposeState, Dropout, forward, initState } from '../../src/train/model.js';
import { WordmillError } from '../../src/errors.js';
import type { ModelSpec } from '../../src/pipeline/spec.js';

test('the TF-free name list is the registry; an unknown arch is refused naming the known ones', () => {
  assert.deepEqual([...ARCHS].sort(), registeredArchs().sort());
  for (const bad of ['transformer', 'LSTM', '', 3]) {
    for (const f of [() => checkArch(bad), () => modelDef(bad), () => resolveRecurrent({ arch: bad as never, emb: 4, hidden: 4, layers: 1, tied: false, dropout: 0 }, 5)]) {
      assert.throws(f, (e: WordmillError) => e.code === 'WM_ERR_OPTION' && e.details.option === 'model.arch'
        && e.message.includes('known: lstm, gru, rnn, awd-lstm') && e.message.includes(JSON.stringify(bad)));
    }
  }
});

test('every registered model: layer groups cover each parameter once; state and output shapes as declared', async () => {
  await wasmReady();
  for (const arch of ARCHS) {
    const spec: ModelSpec = arch === 'gpt' ? { arch, emb: 6, layers: 2, heads: 2, context: 8, dropout: 0.1 } : { arch, emb: 6, hidden: 10, layers: 2, tied: true, dropout: 0.1 };
    const c = resolveModel(spec, 11);
    const m = modelDef(arch);
    const g = m.groups(c);
    const grouped = [...g.encoder.flat(), ...g.decoder].sort();
    assert.deepEqual(grouped, paramShapes(c).map((p) => p.name).sort(), arch);
    assert.ok(g.encoder.every((x) => x.length > 0), `${arch}: no empty group`);
    const p = initParams(c, 1);
    const bs = 3, seq = 4;
    const s0 = initState(c, bs);
    tf.tidy(() => {
      const f = forward(c, p, new Int32Array(bs * seq).map((_, i) => i % 11), seq, bs, s0, new Dropout(true, 1, 0));
      assert.deepEqual(f.out.shape, [seq * bs, m.outDim(c)], arch);
      assert.deepEqual(f.state.map((l) => l.map((t) => t.shape)), m.state(c, bs), arch);
      assert.deepEqual(decode(c, p, f.out).shape, [seq * bs, 11]);
    });
    disposeState(s0);
    disposeParams(p);
  }
});

test('tied weights with any hidden size: the last layer outputs emb (fastai AWD_LSTM), also when untied for awd-lstm', async () => {
  await wasmReady();
  const lstm = resolveRecurrent({ arch: 'lstm', emb: 8, hidden: 12, layers: 2, tied: true, dropout: 0 }, 9);
  assert.deepEqual(lstm.hidden, [12, 8]);
  assert.deepEqual(resolveRecurrent({ arch: 'lstm', emb: 8, hidden: 12, layers: 2, tied: false, dropout: 0 }, 9).hidden, [12, 12]);
  assert.deepEqual(resolveRecurrent({ arch: 'awd-lstm', emb: 8, hidden: 12, layers: 3, tied: false, dropout: 0 }, 9).hidden, [12, 12, 8]);
  const p = initParams(lstm, 2);
  assert.equal(p.has('dec.w'), false, 'tied: the decoder is the embedding');
  const s = initState(lstm, 2);
  const logits = tf.tidy(() => decode(lstm, p, forward(lstm, p, Int32Array.from([1, 2, 3, 4]), 2, 2, s, new Dropout(false, 0, 0)).out).arraySync());
  assert.equal(logits.length, 4);
  assert.equal(logits[0].length, 9);
  disposeState(s);
  disposeParams(p);
});
