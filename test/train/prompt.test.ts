import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continuePrompt, encodePrompt } from '../../src/train/prompt.js';
import { Vocab } from '../../src/vocab/vocab.js';
import type { GenerateOptions } from '../../src/train/types.js';
import type { WordmillError } from '../../src/errors.js';

// A stand-in trainer: records the request and "generates" fixed ids, so no process or tfjs is needed.
function fakeTrainer(outs: number[][]) {
  const seen: GenerateOptions[] = [];
  return { seen, generate: async (o: GenerateOptions) => { seen.push(o); return outs; } };
}

const text = { rules: 'none', tokenizer: 'whitespace' as const };

test('prompt: tokenized and encoded (unknown words → the unknown token), continuations detokenized after it', async () => {
  const t = fakeTrainer([[3, 4], [4, 4]]);
  const vocab = new Vocab(['xxunk', 'xxpad', 'one', 'two', 'three']);
  const p = encodePrompt(text, vocab, 'one zebra');
  assert.deepEqual(p.ids, [2, 0]);
  const out = await continuePrompt(t, p, { checkpoint: 'ck', words: 2, temperature: 0.5, samples: 2, seed: 7 });
  assert.deepEqual(out, ['one zebra two three', 'one zebra three three']);
  assert.deepEqual(t.seen, [{ checkpoint: 'ck', words: 2, temperature: 0.5, samples: 2, seed: 7, banned: [0, 1], promptIds: [2, 0] }]);
});

test('prompt: a vocabulary without an unknown token refuses an unknown word; char tokens join without spaces', async () => {
  const vocab = new Vocab(['a', 'b']);
  assert.throws(() => encodePrompt(text, vocab, 'a zebra'), (e: WordmillError) => e.code === 'WM_ERR_VOCAB' && /zebra/.test(e.message));
  const p = encodePrompt({ ...text, tokenizer: 'char' }, vocab, 'b');
  assert.deepEqual(await continuePrompt(fakeTrainer([[0]]), p, { checkpoint: 'ck', words: 1 }), ['ba']);
});
