import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleId } from '../../src/train/generate.js';
import { detokenize } from '../../src/train/detokenize.js';
import { rng } from '../../src/train/rng.js';
import { valley } from '../../src/train/suggest.js';

const logits = Float32Array.from([0.1, 2.5, 0.3, 2.4, -1]);

test('greedy picks the arg-max; top-1 sampling equals greedy', () => {
  assert.equal(sampleId(logits, { temperature: 1, topK: 0, greedy: true }, rng(1)), 1);
  for (let s = 0; s < 20; s++) assert.equal(sampleId(logits, { temperature: 2, topK: 1, greedy: false }, rng(s)), 1);
});

test('sampling is seeded and respects top-k', () => {
  const draw = (seed: number, topK: number) => { const r = rng(seed); return Array.from({ length: 50 }, () => sampleId(logits, { temperature: 1, topK, greedy: false }, r)); };
  assert.deepEqual(draw(5, 0), draw(5, 0));
  assert.ok(new Set(draw(5, 0)).size > 2);
  assert.ok(draw(6, 2).every((i) => i === 1 || i === 3));
});

const cases: [string, string[], string, boolean?][] = [
  ['fastai markers', ['xxbos', 'xxmaj', 'the', 'xxup', 'bbc', 'said', 'it', 'was', 'xxmaj', 'paris', '.'], 'The BBC said it was Paris.'],
  ['clitics and punctuation', ['i', 'do', "n't", 'know', ',', 'it', "'s", 'fine', '!'], "i don't know, it's fine!"],
  ['brackets and quotes', ['he', 'said', '"', 'yes', '"', '(', 'twice', ')', '.'], 'he said "yes" (twice).'],
  ['repetitions', ['xxrep', '3', '!', 'xxwrep', '2', 'no'], '!!! no no'],
  ['characters', ['h', 'i', ' ', 't', 'h', 'e', 'r', 'e'], 'hi there', true],
];
for (const [name, tokens, text, char] of cases) {
  test(`detokenize: ${name}`, () => assert.equal(detokenize(tokens, { char }), text));
}

test('lr finder suggestion (valley) sits on the longest descent', () => {
  const pts = Array.from({ length: 100 }, (_, i) => {
    const lr = 1e-7 * Math.pow(1e8, i / 99);
    const loss = i < 30 ? 3 : i < 80 ? 3 - (i - 30) * 0.04 : 1 + (i - 80) * 0.5;
    return { lr, loss };
  });
  const s = valley(pts.slice(10, -5));
  const idx = pts.findIndex((p) => p.lr === s);
  assert.ok(idx > 30 && idx < 80, `suggestion at ${idx}`);
});
