import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPipeline } from '../../src/pipeline/load.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { check } from '../../src/schema/index.js';
import { pipelineSpecSchema } from '../../src/pipeline/spec.js';

/** --set problems of a GPT spec: [assignments, key path named, words]; all refused before any work. */
const CASES: [string[], string, RegExp][] = [
  [['model.arch=gpt', 'model.heads=3'], 'model.heads', /must divide model\.emb \(128\)/],
  [['model.arch=gpt', 'model.emb=30', 'model.heads=4'], 'model.heads', /must divide model\.emb \(30\)/],
  [['model.arch=gpt', 'model.contxt=64'], 'model.contxt', /is not a known key.*did you mean "context"/],
  [['model.arch=gpt', 'model.hidden=400'], 'model.hidden', /is not read by arch "gpt"/],
  [['model.arch=gpt', 'model.tied=false'], 'model.tied', /is not read by arch "gpt"/],
  [['model.arch=gpt', 'model.alpha=2'], 'model.alpha', /is not read by arch "gpt"/],
  [['model.heads=4'], 'model.heads', /is read only by arch "gpt" \(arch is "lstm"\)/],
  [['model.arch=awd-lstm', 'model.context=64'], 'model.context', /is read only by arch "gpt"/],
  [['model.arch=gpt', 'model.context=32', 'batch.seqLen=72'], 'batch.seqLen', /must be <= model\.context \(32\) for arch "gpt" \(got 72\)/],
  [['model.arch=gpt', 'batch.seqLen=200'], 'batch.seqLen', /<= model\.context \(128\)/],
  [['model.arch=gpt', 'batch={"kind":"lm-random-bptt","seqLen":16}'], 'batch.kind', /fixed context/],
  [['model.arch=gpt', 'model.heads=0'], 'model.heads', /must be >= 1/],
  [['train.schedule=cosine'], 'train.schedule', /known: one-cycle, constant, warmup-cosine/],
  [['train.warmupPct=2'], 'train.warmupPct', /must be <= 1/],
];

test('gpt options: heads divide emb, seqLen within context, keys of other archs refused — WM_ERR_OPTION naming the key', async () => {
  for (const [sets, key, words] of CASES) {
    const e = await rejectsWithCode(loadPipeline('human-numbers', sets), 'WM_ERR_OPTION');
    assert.match(e.message, words, `${sets.join(' ')}: ${e.message}`);
    assert.equal(e.details.option, key, `${sets.join(' ')}: ${e.message}`);
  }
});

test('gpt options: GPT defaults (4 blocks × 4 heads, emb 128, context 128, dropout 0.1), no AR/TAR; re-validating a parsed spec is stable', async () => {
  const spec = await loadPipeline('human-numbers', ['model.arch=gpt', 'train.schedule=warmup-cosine', 'train.eps=1e-8']);
  assert.deepEqual(spec.model, { arch: 'gpt', emb: 128, layers: 4, heads: 4, context: 128, dropout: 0.1 });
  assert.equal(spec.train.schedule, 'warmup-cosine');
  assert.deepEqual(check(pipelineSpecSchema, JSON.parse(JSON.stringify(spec)), 'again'), spec, 'a run\'s spec.json validates to itself');
  // Switching a recurrent spec's arch drops the file's recurrent keys, keeps --set's.
  const wt = await loadPipeline('wikitext-2', ['model.arch=gpt', 'model.layers=2']);
  assert.deepEqual(wt.model, { arch: 'gpt', emb: 128, layers: 2, heads: 4, context: 128, dropout: 0.1 });
  const again = await loadPipeline('human-numbers', ['model.arch=gpt', 'model.emb=64', 'model.heads=2', 'model.context=72']);
  assert.deepEqual(again.model, { arch: 'gpt', emb: 64, layers: 4, heads: 2, context: 72, dropout: 0.1 });
  // The recurrent default keeps its own defaults and fastai's AR/TAR.
  const lstm = await loadPipeline('human-numbers');
  assert.equal(lstm.model.hidden, 64, 'the file\'s own');
  assert.equal(lstm.model.tied, true);
  assert.equal(lstm.model.alpha, 2);
  assert.equal(lstm.model.heads, undefined);
});
