import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readModel } from '../../src/text/subword/model-file.js';
import { MAX_CACHED_CHARS, MAX_CACHED_WORDS } from '../../src/text/subword/segments.js';
import { SubwordTokenizer } from '../../src/text/subword/tokenizer.js';
import { viterbi } from '../../src/text/subword/unigram.js';

// The word cache is an optimization of one whole-text Viterbi pass: the two must agree exactly,
// on cache hits, on near ties re-segmented from the running score, on words too long to cache,
// and after the cache has been cleared for being full.
const dir = new URL('../../../test/fixtures/subword/', import.meta.url);
const model = readModel(readFileSync(new URL('unigram.model', dir)));

/** sentencepiece's definition: the best path over the whole normalized text, unknowns merged. */
function reference(tok: SubwordTokenizer, text: string): number[] {
  const triples: number[] = [];
  viterbi(tok.index, tok.normalize(text), triples);
  const ids: number[] = [];
  for (let k = 0; k < triples.length; k += 3) {
    const id = triples[k];
    if (id !== tok.unkId || ids.length === 0 || ids[ids.length - 1] !== tok.unkId) ids.push(id);
  }
  return ids;
}

/** A seeded stream of words drawn from the model's own pieces, with some unknown characters. */
function words(seed: number, n: number): string[] {
  const pieces = model.pieces.filter((p) => p.type === 1).map((p) => p.piece.replace(/^\u2581/, ''));
  let x = seed;
  const next = (m: number): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x % m; };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = '';
    for (let j = 1 + next(4); j > 0; j--) w += next(20) === 0 ? 'Ωж' : pieces[next(pieces.length)];
    out.push(w);
  }
  return out;
}

test('subword cache: encode equals one whole-text Viterbi pass on hits, near ties and long documents', () => {
  const tok = new SubwordTokenizer(model);
  const vocab = words(7, 300);
  for (let d = 0; d < 40; d++) {
    // Long documents drive the running score far from 0, where cached paths must be re-checked.
    const text = words(d + 100, 2000).map((_, i) => vocab[(i * 7919 + d) % vocab.length]).join(d % 3 ? ' ' : '  ');
    assert.deepEqual(tok.encode(text), reference(tok, text), `document ${d}`);
  }
});

test('subword cache: words longer than the cache takes, and a cache cleared when full, change nothing', () => {
  const tok = new SubwordTokenizer(model);
  const long = words(3, 200).join('');
  assert.ok(long.length > MAX_CACHED_CHARS);
  const text = `a ${long} b ${long.slice(0, MAX_CACHED_CHARS)} c`;
  assert.deepEqual(tok.encode(text), reference(tok, text));
  // More distinct words than the cache holds before it clears (it grows up to then).
  const many = words(11, MAX_CACHED_WORDS + 5000).map((w, i) => `${w}${i}`);
  for (let i = 0; i < many.length; i += 2000) {
    const chunk = many.slice(i, i + 2000).join(' ');
    assert.deepEqual(tok.encode(chunk), reference(tok, chunk), `chunk ${i}`);
  }
  const pieces = tok.encodeWithPieces(text);
  assert.equal(pieces.pieces.join(''), tok.normalize(text));
});

test('subword cache: a fresh tokenizer growing from its first sizes (table, pool, ids and spans) gives the reference at every size', () => {
  // The cache and the id buffer start tiny so that they grow before the JIT compiles the word
  // loop: every doubling, on each path (ids, encode, pieces with spans), must leave results exact.
  for (const path of ['encodeIds', 'encode', 'pieces'] as const) {
    const tok = new SubwordTokenizer(model);
    for (let n = 1, d = 0; n <= 8192; n *= 2, d++) {
      const text = words(1000 * d + n, n).map((w, i) => `${w}${i % 3 ? '' : i}`).join(' ');
      const want = reference(tok, text);
      const got = path === 'encodeIds' ? Array.from(tok.encodeIds(text)) : path === 'encode' ? tok.encode(text) : tok.encodeWithPieces(text).ids;
      assert.deepEqual(got, want, `${path}, ${n} words`);
      if (path === 'pieces') assert.equal(tok.encodeWithPieces(text).pieces.join(''), tok.normalize(text));
    }
  }
});
