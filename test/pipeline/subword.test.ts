import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline } from '../../src/pipeline/load.js';
import { prepare } from '../../src/pipeline/prepare.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';
import type { TextOptions as TextSpec } from '../../src/text/options.js';
import { defaultContext } from '../../src/stage.js';
import { Gpt2Tokenizer } from '../../src/text/gpt2/tokenizer.js';
import { loadModelFile } from '../../src/text/subword/load.js';
import { SubwordTokenizer } from '../../src/text/subword/tokenizer.js';
import { withTmp } from '../util/tmp.js';

const fixtures = new URL('../../../test/fixtures/subword/', import.meta.url);

/** A small real-text corpus: the fixture corpus's lines as documents, every 10th held out. */
async function writeCorpus(dir: string): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(new URL('corpus.txt', fixtures), 'utf8')).split('\n').filter((l) => l.trim());
  await mkdir(path.join(dir, 'train'), { recursive: true });
  await mkdir(path.join(dir, 'valid'), { recursive: true });
  await Promise.all(lines.map((l, i) => writeFile(path.join(dir, i % 10 === 9 ? 'valid' : 'train', `d${String(i).padStart(3, '0')}.txt`), l)));
  return lines;
}

const specFor = async (dir: string, text: TextSpec): Promise<PipelineSpec> => ({
  ...(await loadPipeline(dir)),
  source: { kind: 'files', files: [{ url: dir }], members: [{ glob: 'train/*.txt', split: 'train', docs: 'file' }, { glob: 'valid/*.txt', split: 'valid', docs: 'file' }] },
  text: { unicode: '14.0', ...text } as PipelineSpec['text'],
});

test('prepare with text.tokenizer gpt2: raw text, the tokenizer\'s own 50257 ids, <|endoftext|> after every document', async () => {
  await withTmp(async (tmp) => {
    const corpus = path.join(tmp, 'corpus');
    const lines = await writeCorpus(corpus);
    const { store } = await prepare(await specFor(corpus, { rules: 'fastai', tokenizer: 'gpt2' }), { workers: 2, root: path.join(tmp, 'root') }, defaultContext());
    assert.equal(store.vocab.itos.length, 50257);
    assert.equal(store.vocab.itos[50256], '<|endoftext|>');
    const valid = store.split('valid');
    const tok = new Gpt2Tokenizer();
    const first = lines.filter((_, i) => i % 10 === 9)[0];
    const ids = Array.from(valid.tokens.subarray(valid.docStarts[0], valid.docStarts[1]));
    // No fastai rules for gpt2 (raw: true is its default): exactly tiktoken-style ids of the raw document.
    assert.deepEqual(ids, [...tok.encode(first), 50256]);
  });
});

test('prepare with text.tokenizer subword: trains on the train split once, caches the model, and the model is in the fingerprint', async () => {
  await withTmp(async (tmp) => {
    const corpus = path.join(tmp, 'corpus');
    await writeCorpus(corpus);
    const root = path.join(tmp, 'root');
    const spec = await specFor(corpus, { rules: 'fastai', tokenizer: 'subword', subword: { vocabSz: 300 } });
    const first = await prepare(spec, { workers: 2, root }, defaultContext());
    const models = await readdir(path.join(root, 'subword'));
    assert.equal(models.length, 1);
    const model = loadModelFile(path.join(root, 'subword', models[0]));
    // The store's vocabulary is the model's pieces, in id order (fastai's specials first, then <unk>).
    assert.deepEqual(first.store.vocab.itos, model.pieces.map((p) => p.piece));
    assert.equal(first.store.vocab.itos[2], '▁xxbos');
    assert.equal(first.store.vocab.unk, 9);
    const tr = first.store.split('train');
    assert.equal(tr.tokens[tr.docStarts[0]], 2, 'documents start with ▁xxbos (fastai rules ran before the subword tokenizer)');
    const again = await prepare(spec, { workers: 1, root }, defaultContext());
    assert.equal(again.result.cached, true);
    assert.equal((await readdir(path.join(root, 'subword'))).length, 1, 'no second model trained');
    // A given model file: its content, not its path, is in the fingerprint.
    const given = path.join(tmp, 'given.model');
    await copyFile(new URL('unigram.model', fixtures), given);
    const withModel = await specFor(corpus, { rules: 'fastai', tokenizer: 'subword', subword: { model: given } });
    const a = await prepare(withModel, { workers: 2, root }, defaultContext());
    assert.notEqual(a.result.fingerprint, first.result.fingerprint);
    const tok = new SubwordTokenizer(loadModelFile(given));
    assert.equal(a.store.vocab.itos.length, tok.vocab.length);
    await copyFile(new URL('bpe.model', fixtures), given);
    const b = await prepare(withModel, { workers: 2, root }, defaultContext());
    assert.equal(b.result.cached, false);
    assert.notEqual(b.result.fingerprint, a.result.fingerprint);
  });
});
