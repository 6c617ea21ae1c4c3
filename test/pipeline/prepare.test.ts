import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline } from '../../src/pipeline/load.js';
import { prepare } from '../../src/pipeline/prepare.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';
import { defaultContext } from '../../src/stage.js';
import { withTmp } from '../util/tmp.js';

/** A corpus with many equal counts, so vocabulary order depends on the tie-break alone. */
async function writeCorpus(dir: string, files: number): Promise<void> {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const words = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
  await mkdir(path.join(dir, 'train'), { recursive: true });
  await mkdir(path.join(dir, 'valid'), { recursive: true });
  for (let f = 0; f < files; f++) {
    const sentences = Array.from({ length: 5 + Math.floor(rand() * 30) }, () => {
      const n = 3 + Math.floor(rand() * 12);
      const ws = Array.from({ length: n }, () => words[Math.floor(rand() ** 2 * words.length)]);
      ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
      return `${ws.join(' ')}${rand() < 0.2 ? '!!!' : '.'}`;
    });
    await writeFile(path.join(dir, f % 10 === 9 ? 'valid' : 'train', `doc${String(f).padStart(4, '0')}.txt`), sentences.join(' '));
  }
}

const specFor = async (dir: string): Promise<PipelineSpec> => ({
  ...(await loadPipeline(dir)),
  source: {
    kind: 'files',
    files: [{ url: dir }],
    members: [{ glob: 'train/*.txt', split: 'train', docs: 'file' }, { glob: 'valid/*.txt', split: 'valid', docs: 'file' }],
  },
});

test('the same corpus gives the same vocabulary and ids with 1, 2 and 4 workers', async () => {
  await withTmp(async (tmp) => {
    const corpus = path.join(tmp, 'corpus');
    await writeCorpus(corpus, 240);
    const spec = await specFor(corpus);
    const stores = [];
    for (const workers of [1, 2, 4]) {
      const { result, store } = await prepare(spec, { workers, root: path.join(tmp, `root${workers}`) }, defaultContext());
      assert.equal(result.cached, false);
      stores.push(store);
    }
    const [a, ...rest] = stores;
    assert.ok(a.vocab.itos.length > 50);
    assert.equal(a.vocab.itos[0], 'xxunk');
    assert.equal(a.vocab.itos[2], 'xxbos');
    for (const b of rest) {
      assert.equal(b.meta.fingerprint, a.meta.fingerprint, 'workers are not part of the fingerprint');
      assert.deepEqual(b.vocab.itos, a.vocab.itos);
      for (const split of ['train', 'valid']) {
        assert.deepEqual(Array.from(b.split(split).tokens), Array.from(a.split(split).tokens), split);
        assert.deepEqual(Array.from(b.split(split).docStarts), Array.from(a.split(split).docStarts), split);
      }
    }
    assert.equal(a.split('train').docStarts.length - 1, 216);
    assert.equal(a.split('valid').docStarts.length - 1, 24);
  });
});

test('a cached store is reused, and a changed input file makes a new one', async () => {
  await withTmp(async (tmp) => {
    const corpus = path.join(tmp, 'corpus');
    await writeCorpus(corpus, 30);
    const spec = await specFor(corpus);
    const root = path.join(tmp, 'root');
    const first = await prepare(spec, { workers: 2, root }, defaultContext());
    const again = await prepare(spec, { workers: 2, root }, defaultContext());
    assert.equal(again.result.cached, true);
    assert.equal(again.result.store, first.result.store);
    await writeFile(path.join(corpus, 'train', 'doc0000.txt'), 'An entirely different text.');
    const changed = await prepare(spec, { workers: 2, root }, defaultContext());
    assert.equal(changed.result.cached, false);
    assert.notEqual(changed.result.store, first.result.store);
  });
});

test('editing the vocabulary file makes a new store: its content is fingerprinted, not just its path', async () => {
  await withTmp(async (tmp) => {
    const corpus = path.join(tmp, 'corpus');
    await writeCorpus(corpus, 10);
    const vocabFile = path.join(tmp, 'vocab.json');
    await writeFile(vocabFile, JSON.stringify(['xxunk', 'xxpad', 'xxbos', 'W0', 'w0']));
    const spec = await specFor(corpus);
    const withFile = { ...spec, vocab: { ...spec.vocab, file: vocabFile } };
    const root = path.join(tmp, 'root');
    const first = await prepare(withFile, { workers: 1, root }, defaultContext());
    assert.equal((await prepare(withFile, { workers: 1, root }, defaultContext())).result.cached, true);
    await writeFile(vocabFile, JSON.stringify(['xxunk', 'xxpad', 'xxbos', 'w0', 'w1', 'w2']));
    const edited = await prepare(withFile, { workers: 1, root }, defaultContext());
    assert.equal(edited.result.cached, false);
    assert.notEqual(edited.result.fingerprint, first.result.fingerprint);
    assert.deepEqual(edited.store.vocab.itos, ['xxunk', 'xxpad', 'xxbos', 'w0', 'w1', 'w2']);
  });
});
