import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PIECE, readModel, writeModel } from '../../src/text/subword/model-file.js';
import { ProtoError } from '../../src/text/subword/proto.js';
import { SubwordTokenizer } from '../../src/text/subword/tokenizer.js';

// Models trained and expected encodings written by sentencepiece 0.2 (test/fixtures/subword/make_fixture.py).
const dir = new URL('../../../test/fixtures/subword/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  models: Record<string, Array<{ text: string; pieces: string[]; ids: number[]; decoded: string }>>;
};
const NAMES = ['unigram', 'bpe', 'unigram-nfkc'];
const load = (name: string): Buffer => readFileSync(new URL(`${name}.model`, dir));

test('subword model: reading then writing a sentencepiece .model gives back the same bytes', () => {
  for (const name of NAMES) {
    const buf = load(name);
    assert.deepEqual(Buffer.from(writeModel(readModel(buf))), buf, name);
  }
});

test('subword model: pieces, types and specs read as sentencepiece wrote them (fastai layout)', () => {
  const m = readModel(load('unigram'));
  assert.equal(m.pieces[0].piece, '▁xxunk');
  assert.equal(m.pieces[0].type, PIECE.USER_DEFINED);
  assert.equal(m.pieces[9].piece, '<unk>');
  assert.equal(m.pieces[9].type, PIECE.UNKNOWN);
  assert.equal(m.pieces[10].type, PIECE.NORMAL);
  assert.ok(m.pieces[10].score < 0);
  assert.equal(m.trainer.modelType, 'unigram');
  assert.equal(m.trainer.vocabSize, 400);
  assert.equal(m.normalizer.name, 'identity');
  assert.equal(readModel(load('bpe')).trainer.modelType, 'bpe');
  const nfkc = readModel(load('unigram-nfkc'));
  assert.equal(nfkc.normalizer.name, 'nmt_nfkc');
  assert.ok(nfkc.normalizer.charsmap.length > 100_000);
});

test('subword model: an edited model writes and reads back (scores as float32)', () => {
  const m = readModel(load('bpe'));
  m.pieces[12] = { piece: 'zzz', score: -1.25, type: PIECE.NORMAL };
  m.pieces.push({ piece: '<ctl>', score: 0, type: PIECE.CONTROL });
  const again = readModel(writeModel(m));
  assert.deepEqual(again.pieces, m.pieces);
  assert.deepEqual(again.trainer, m.trainer);
});

test('subword model: a file that is not a model is a clear error', () => {
  assert.throws(() => readModel(Buffer.from('hello world, not protobuf'), 'x.model'), (e: unknown) => e instanceof ProtoError && /x\.model is not a SentencePiece model/.test(e.message));
  assert.throws(() => readModel(new Uint8Array(0), 'empty.model'), /no pieces/);
});

test('subword encode: ids and pieces equal sentencepiece 0.2 on held-out text (unigram, bpe, nmt_nfkc)', () => {
  for (const name of NAMES) {
    const tok = new SubwordTokenizer(readModel(load(name)));
    assert.ok(expected.models[name].length >= 25);
    for (const c of expected.models[name]) {
      const got = tok.encodeWithPieces(c.text);
      assert.deepEqual(got.pieces, c.pieces, `${name}: ${JSON.stringify(c.text.slice(0, 60))}`);
      assert.deepEqual(got.ids, c.ids, `${name}: ${JSON.stringify(c.text.slice(0, 60))}`);
    }
  }
});

test('subword decode: equals sentencepiece decode, and detokenize(pieces(x)) is x normalized', () => {
  for (const name of NAMES) {
    const tok = new SubwordTokenizer(readModel(load(name)));
    for (const c of expected.models[name]) {
      assert.equal(tok.decode(c.ids), c.decoded, name);
      const norm = tok.normalize(c.text).replaceAll('▁', ' ').replace(/^ /, '');
      assert.equal(tok.detokenize(tok.pieces(c.text)), norm, name);
    }
  }
  // Identity normalization keeps everything but extra spaces: decoding gives the text back.
  const tok = new SubwordTokenizer(readModel(load('unigram')));
  for (const text of ['The jury said  it.', 'xxbos xxmaj hello', 'mixed 1234 and ,;']) {
    assert.equal(tok.detokenize(tok.tokenize(text)), text.replace(/ +/g, ' '));
  }
  // tokenize gives vocabulary texts: an unknown stretch is <unk>, as its id says.
  assert.deepEqual(tok.tokenize('a ☃☃'), tok.encode('a ☃☃').map((id) => tok.vocab[id]));
  assert.ok(tok.tokenize('a ☃☃').includes('<unk>'));
  assert.ok(tok.pieces('a ☃☃').some((p) => p.includes('☃☃')));
});

test('subword encode: the per-word cache gives what a whole-text segmentation gives', () => {
  const m = readModel(load('unigram'));
  const cached = new SubwordTokenizer(m);
  const text = expected.models.unigram.map((c) => c.text).join(' ');
  const first = cached.encode(text);
  assert.deepEqual(cached.encode(text), first);
  // A piece with an inner ▁ turns the per-word path off; one nothing matches, scored inside the
  // model's range (min_score sets the unknown piece's score), leaves results unchanged.
  const whole = new SubwordTokenizer({ ...m, pieces: [...m.pieces, { piece: 'q▁q▁q', score: m.pieces[20].score, type: PIECE.NORMAL }] });
  assert.deepEqual(whole.encode(text), first);
});
