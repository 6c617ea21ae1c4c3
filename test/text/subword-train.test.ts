import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PIECE, readModel, writeModel } from '../../src/text/subword/model-file.js';
import { SentenceSample } from '../../src/text/subword/sample.js';
import { SubwordTokenizer } from '../../src/text/subword/tokenizer.js';
import { trainSubword } from '../../src/text/subword/train/train.js';

const dir = new URL('../../../test/fixtures/subword/', import.meta.url);
// corpus.txt and the models trained on it by sentencepiece 0.2 (make_fixture.py, same options).
const lines = readFileSync(new URL('corpus.txt', dir), 'utf8').split('\n');
const userDefined = ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj'].map((t) => `▁${t}`);

for (const type of ['unigram', 'bpe'] as const) {
  test(`subword train (${type}): pieces, order and scores are sentencepiece's on the fixture corpus`, async () => {
    const ours = await trainSubword(lines, { type, vocabSize: 400, characterCoverage: 0.99999, userDefined, unkId: 9 });
    const theirs = readModel(readFileSync(new URL(`${type}.model`, dir)));
    assert.equal(ours.pieces.length, theirs.pieces.length);
    // The same pieces with the same scores (float32 sums in another order differ by ~1e-5)...
    const score = new Map(theirs.pieces.map((p) => [p.piece, p]));
    for (const p of ours.pieces) {
      const t = score.get(p.piece);
      assert.ok(t, `${p.piece} is not in sentencepiece's model`);
      assert.equal(p.type, t.type);
      assert.ok(Math.abs(p.score - t.score) < 1e-4, `${p.piece}: ${p.score} vs ${t.score}`);
    }
    // ...in the same order, but for pieces whose scores tie within that rounding.
    ours.pieces.forEach((p, i) => assert.ok(p.piece === theirs.pieces[i].piece || Math.abs(p.score - theirs.pieces[i].score) < 1e-4, `id ${i}: ${p.piece} vs ${theirs.pieces[i].piece}`));
    // Golden head, as a readable regression check.
    assert.deepEqual(ours.pieces.slice(9, 16).map((p) => p.piece), type === 'unigram' ? ['<unk>', '▁', 's', 'e', '▁the', 't', '▁,'] : ['<unk>', '▁t', 'he', '▁a', 'in', '▁the', '▁o']);
  });
}

test('subword train: deterministic, loads back, fastai layout, every alphabet character kept', async () => {
  const a = await trainSubword(lines, { type: 'unigram', vocabSize: 300, characterCoverage: 0.99999, userDefined, unkId: 9 });
  const b = await trainSubword(lines, { type: 'unigram', vocabSize: 300, characterCoverage: 0.99999, userDefined, unkId: 9 });
  assert.deepEqual(writeModel(a), writeModel(b));
  const again = readModel(writeModel(a));
  assert.deepEqual(again.pieces, a.pieces);
  assert.deepEqual(again.pieces.slice(0, 9).map((p) => [p.piece, p.type]), userDefined.map((u) => [u, PIECE.USER_DEFINED]));
  assert.equal(again.pieces[9].type, PIECE.UNKNOWN);
  const pieces = new Set(a.pieces.map((p) => p.piece));
  for (const c of new Set(lines.join('').replace(/[ \t]/g, ''))) assert.ok(pieces.has(c), `character ${JSON.stringify(c)}`);
  // Encode/decode identity with the trained model.
  const tok = new SubwordTokenizer(again);
  for (const l of lines.slice(0, 10)) assert.equal(tok.detokenize(tok.pieces(l)), l.replace(/ +/g, ' ').replace(/^ | $/g, ''));
});

test('subword train: a vocabulary smaller than the alphabet is refused, naming the fix', async () => {
  await assert.rejects(trainSubword(lines, { type: 'unigram', vocabSize: 30, characterCoverage: 0.99999, userDefined, unkId: 9 }), /required characters.*raise vocabSz/);
});

test('subword sample: a bounded uniform reservoir and fastai\'s default vocabulary size', () => {
  const s = new SentenceSample(100, 1, 30000);
  for (let i = 0; i < 1000; i++) s.addLine(`line ${i} w${i % 50}`);
  assert.equal(s.lines.length, 100);
  assert.equal(s.seen, 1000);
  assert.ok(s.lines.some((l) => Number(l.split(' ')[1]) >= 100), 'later lines replace earlier ones');
  // distinct words: "line", 1000 numbers, 50 w-words = 1051 → 262 → 264 (a multiple of 8).
  assert.equal(s.fastaiVocabSize(), 264);
  const again = new SentenceSample(100, 1, 30000);
  for (let i = 0; i < 1000; i++) again.addLine(`line ${i} w${i % 50}`);
  assert.deepEqual(again.lines, s.lines);
  const capped = new SentenceSample(10, 1, 29);
  for (let i = 0; i < 200; i++) capped.addLine(`u${i}`);
  assert.equal(capped.fastaiVocabSize(), 29);
});
