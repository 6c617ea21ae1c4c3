import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleId } from '../../src/train/generate.js';
import { continuePrompt, encodePrompt, formatSamples } from '../../src/train/prompt.js';
import { rng } from '../../src/train/rng.js';
import { Vocab } from '../../src/vocab/vocab.js';
import type { GenerateOptions } from '../../src/train/types.js';

// The unknown token (id 0) is by far the most likely: fastai's predict still never emits it.
const logits = Float32Array.from([9, 1, 2.5, 2.4, -1]);
const banned = new Set([0, 1]);

test('banned ids (unk, pad) are never picked: greedy, sampling, top-k', () => {
  assert.equal(sampleId(logits, { temperature: 1, topK: 0, greedy: true }, rng(1)), 0, 'unbanned, the arg-max is unk');
  assert.equal(sampleId(logits, { temperature: 1, topK: 0, greedy: true, banned }, rng(1)), 2);
  const r = rng(3);
  const draws = Array.from({ length: 500 }, () => sampleId(logits, { temperature: 3, topK: 0, greedy: false, banned }, r));
  assert.ok(draws.every((i) => !banned.has(i)), 'never a banned id');
  assert.deepEqual([...new Set(draws)].sort(), [2, 3, 4]);
  for (let s = 0; s < 50; s++) assert.equal(sampleId(logits, { temperature: 1, topK: 1, greedy: false, banned }, rng(s)), 2, 'top-k counts allowed ids only');
  assert.throws(() => sampleId(Float32Array.from([1, 2]), { temperature: 1, topK: 0, greedy: false, banned }, rng(1)), /every token/);
});

test('continuePrompt bans the vocabulary\'s unknown and padding tokens (fastai no_unk=True), unless allowUnk', async () => {
  const vocab = new Vocab(['xxunk', 'xxpad', 'xxbos', 'one', 'two']);
  const seen: GenerateOptions[] = [];
  const trainer = { generate: async (o: GenerateOptions) => { seen.push(o); return o.banned?.length === 1 && o.promptIds[0] === 1 ? [[1, 2]] : [[3, 4], [4, 3]]; } };
  const p = encodePrompt({ rules: 'none', tokenizer: 'whitespace' } as never, vocab, 'one');
  const out = await continuePrompt(trainer, p, { checkpoint: 'x', words: 2, samples: 2 });
  assert.deepEqual(seen[0].banned, [0, 1]);
  assert.deepEqual(out, ['one one two', 'one two one']);
  await continuePrompt(trainer, p, { checkpoint: 'x', words: 2, allowUnk: true });
  assert.deepEqual(seen[1].banned, [1]);
  const torchtext = new Vocab(['<unk>', 'one', 'two']);
  await continuePrompt(trainer, encodePrompt({ rules: 'none', tokenizer: 'whitespace' } as never, torchtext, 'one'), { checkpoint: 'x', words: 2 });
  assert.deepEqual(seen[2].banned, [0]);
});

test('several samples are numbered and separated; a sample\'s own line breaks stay inside it', () => {
  assert.equal(formatSamples(['just one']), 'just one\n');
  assert.equal(formatSamples(['first one', 'second\nline', 'third']), '[1/3] first one\n\n[2/3] second\n      line\n\n[3/3] third\n');
});
