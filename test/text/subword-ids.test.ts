import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { makeTextProcessor, type TextProcessor } from '../../src/text/index.js';
import { readModel, type SentencePieceModel } from '../../src/text/subword/model-file.js';
import { SubwordTokenizer } from '../../src/text/subword/tokenizer.js';
import { viterbi } from '../../src/text/subword/unigram.js';
import { tokenizeChunk } from '../../workers/tokenize.js';
import type { ChunkTask } from '../../src/pool/protocol.js';

// The ids path scans raw text for the words identity normalization would give (no normalized copy)
// and the pool worker numbers tokens by vocabulary id: both must give exactly what the normalized,
// string-by-string paths give.
const dir = new URL('../../../test/fixtures/subword/', import.meta.url);
const load = (name: string): SentencePieceModel => readModel(readFileSync(new URL(`${name}.model`, dir)));
const corpus = readFileSync(new URL('corpus.txt', dir), 'utf8').split('\n').filter(Boolean).slice(0, 40);

/** Spacing and characters where the raw scan and normalization could part: edges, runs, raw ▁, tabs, unknowns, surrogates. */
const EDGES = ['', ' ', '   ', 'a', ' a', 'a ', '  a  b  ', 'a\u2581b', '\u2581', '\u2581\u2581a', 'a \u2581 b', ' \u2581', 'a\u2581 ', 'x\ty\n z',
  '☃☃ ☃', 'a ☃☃☃b', '😀 a😀b', 'xxbos xxmaj the  end .', '\u2581xxmaj x', 'q'.repeat(300), `${'ab'.repeat(200)} c`];

/** sentencepiece's definition: the best path over the whole normalized text, unknowns merged. */
function reference(tok: SubwordTokenizer, text: string): number[] {
  const triples: number[] = [];
  viterbi(tok.index, tok.normalize(text), triples);
  const ids: number[] = [];
  for (let k = 0; k < triples.length; k += 3) if (triples[k] !== tok.unkId || ids.length === 0 || ids[ids.length - 1] !== tok.unkId) ids.push(triples[k]);
  return ids;
}

test('subword ids: encode, encodeIds and encodeWithPieces agree on every spacing, for every normalizer spec', () => {
  const texts = [...EDGES, ...corpus, corpus.join('  ')];
  for (const name of ['unigram', 'bpe', 'unigram-nfkc']) {
    const m = load(name);
    const specs = name === 'unigram-nfkc' ? [m.normalizer] : [true, false].flatMap((trim) => [true, false].flatMap((dummy) => [true, false].map((escape) => ({ ...m.normalizer, removeExtraWhitespaces: trim, addDummyPrefix: dummy, escapeWhitespaces: escape }))));
    for (const normalizer of specs) {
      const tok = new SubwordTokenizer({ ...m, normalizer });
      const label = `${name} trim=${normalizer.removeExtraWhitespaces} dummy=${normalizer.addDummyPrefix} escape=${normalizer.escapeWhitespaces}`;
      for (const text of texts) {
        const ids = tok.encode(text);
        assert.deepEqual(Array.from(tok.encodeIds(text)), ids, `${label}: ${JSON.stringify(text.slice(0, 40))}`);
        const withPieces = tok.encodeWithPieces(text);
        assert.deepEqual(withPieces.ids, ids, `${label}: ${JSON.stringify(text.slice(0, 40))}`);
        assert.equal(withPieces.pieces.join(''), tok.normalize(text), label);
        if (m.trainer.modelType === 'unigram') assert.deepEqual(ids, reference(tok, text), `${label}: ${JSON.stringify(text.slice(0, 40))}`);
      }
    }
  }
});

test('subword ids: a pool worker numbering by vocabulary id gives the string path\'s ids, fresh tokens and lengths', () => {
  const model = fileURLToPath(new URL('unigram.model', dir));
  const spec = { rules: 'fastai', tokenizer: 'subword', subword: { model } } as never;
  const withIds = makeTextProcessor(spec);
  assert.ok(withIds.byId, 'a subword processor offers ids');
  const strings: TextProcessor = (text, piece) => withIds(text, piece);
  const bosEos = makeTextProcessor({ rules: 'none', tokenizer: 'subword', subword: { model }, bos: true, eos: true } as never);
  const bosEosStrings: TextProcessor = (text, piece) => bosEos(text, piece);
  for (const [proc, plain] of [[withIds, strings], [bosEos, bosEosStrings]] as const) {
    const a = new Map<string, number>();
    const b = new Map<string, number>();
    for (let c = 0; c < 3; c++) {
      const texts = corpus.slice(c * 12, c * 12 + 12).concat(EDGES);
      const task: ChunkTask = { spec, ids: texts.map((_, i) => `d${c}-${i}`), texts, pieces: texts.map((_, i) => (i % 3 === 0 ? { first: i % 2 === 0, last: false } : null)) };
      assert.deepEqual(tokenizeChunk(task, proc, a, 1), tokenizeChunk(task, plain, b, 1), `chunk ${c}`);
    }
    assert.deepEqual([...a], [...b]);
  }
  // A failing chunk forgets what it numbered, in the vocabulary table too.
  const dict = new Map<string, number>();
  const failing: TextProcessor = Object.assign((t: string) => withIds(t), {
    byId: { vocab: withIds.byId.vocab, tokens: (t: string) => { if (t === 'boom') throw new Error('injected'); return withIds.byId!.tokens(t); } },
  });
  const bad = tokenizeChunk({ spec, ids: ['x', 'y'], texts: ['the jury said', 'boom'] }, failing, dict, 1);
  assert.equal(bad.ok, false);
  assert.equal(dict.size, 0);
  const good = tokenizeChunk({ spec, ids: ['x'], texts: ['the jury said'] }, failing, dict, 1);
  assert.ok(good.ok && good.fresh.length === dict.size && good.fresh.length > 0);
  assert.deepEqual(good.ok && Array.from(good.ids, (i) => good.fresh[i]), withIds('the jury said'));
});
