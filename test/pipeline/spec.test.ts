import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline, PIPELINES_DIR } from '../../src/pipeline/load.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';

const FILES = { kind: 'files', files: [{ url: 'corpus.txt' }], members: [{ glob: '**', split: 'train', docs: 'file' }] };
const EMBEDDED = { kind: 'embedded', name: 'human-numbers' };

/** A spec file's problems: [what the file holds, the key path named, words the message must hold]. */
const SPEC_CASES: [unknown, string | undefined, RegExp][] = [
  [{ name: 'x', source: { kind: 'ftp' } }, 'source.kind', /"ftp" is not a known kind; known: embedded, files/],
  [{ name: 'x', source: { kind: 'files', files: 'notalist', members: [] } }, 'source.files', /must be a list \(got "notalist"\)/],
  [{ name: 'x', source: { kind: 'files', files: [], members: FILES.members } }, 'source.files', /at least 1 item/],
  [{ name: 'x', source: 'human-numbers' }, 'source', /must be an object/],
  [{ name: 'x', source: EMBEDDED, model: { arch: 'AWD_LSTM' } }, 'model.arch', /"AWD_LSTM" is not a known architecture; known: lstm, gru, rnn, awd-lstm, gpt \(did you mean "awd-lstm"\?\)/],
  [{ name: 'x', source: EMBEDDED, model: { arch: 'transformer' } }, 'model.arch', /known: lstm, gru, rnn, awd-lstm/],
  [{ name: 'x', source: EMBEDDED, model: { hidden: '400' } }, 'model.hidden', /must be a whole number \(got "400"\)/],
  [{ name: 'x', source: EMBEDDED, model: { layers: 0 } }, 'model.layers', /must be >= 1/],
  [{ name: 'x', source: EMBEDDED, model: { emb: 64, hidden: 64, tied: true, adaptive: { cutoffs: [20] } } }, 'model.tied', /adaptive softmax cannot be tied/],
  [{ name: 'x', source: EMBEDDED, model: { dropuot: 0.1 } }, 'model.dropuot', /is not a known key; known: .*dropout.*did you mean "dropout"/],
  [{ name: 'x', source: EMBEDDED, train: { epochs: 1.5 } }, 'train.epochs', /must be a whole number/],
  [{ name: 'x', source: EMBEDDED, train: { schedule: 'cosine' } }, 'train.schedule', /"cosine" is not a known schedule; known: one-cycle, constant/],
  [{ name: 'x', source: EMBEDDED, train: { betas: [0.9] } }, 'train.betas', /at least 2 items/],
  [{ name: 'x', source: EMBEDDED, train: { lr: -1 } }, 'train.lr', /must be > 0/],
  [{ name: 'x', source: EMBEDDED, batch: { bs: 0 } }, 'batch.bs', /must be >= 1/],
  [{ name: 'x', source: EMBEDDED, batch: { seqLen: 'long' } }, 'batch.seqLen', /must be a whole number/],
  [{ name: 'x', source: EMBEDDED, batch: { kind: 'bptt', shuffle: true } }, 'batch.shuffle', /is not a known key; known: kind, bs, seqLen, seed/],
  [{ name: 'x', source: EMBEDDED, batch: { kind: 'sortish' } }, 'batch.kind', /classifier batches; a language model trains on one of lm/],
  [{ name: 'x', source: EMBEDDED, batch: { kind: 'lm', bogus: 1 } }, 'batch.bogus', /is not a known key/],
  [{ name: 'x', source: EMBEDDED, text: { tokenizer: 'klingon' } }, 'text.tokenizer', /"klingon" is not a known tokenizer; known: spacy-en, whitespace, char, basic-english/],
  [{ name: 'x', source: EMBEDDED, text: { rules: ['fixup', 'nope'] } }, 'text.rules[1]', /"nope" is not a known rule; known: fixHtml/],
  [{ name: 'x', source: EMBEDDED, text: { rules: 7 } }, 'text.rules', /7 is not a known rule set or rule/],
  [{ name: 'x', source: EMBEDDED, vocab: { minfreq: 1 } }, 'vocab.minfreq', /did you mean "minFreq"/],
  [{ name: 'x', source: EMBEDDED, vocab: { specials: 'spacy' } }, 'vocab.specials', /"spacy" is not a known specials set; known: fastai, torchtext, none/],
  [{ name: 'x', source: EMBEDDED, vocab: 'fastai' }, 'vocab', /must be an object \(got "fastai"\)/],
  [{ name: 'x', source: EMBEDDED, splits: { valid: 'dev' } }, 'splits.valid', /"dev" is no member rule's split; the rules fill: train, valid/],
  [{ name: 'x', source: EMBEDDED, sections: {} }, 'sections', /is not a known key; known: name, description/],
  [{ name: 'x', source: { ...FILES, members: [{ glob: '**', split: 'train', docs: 'files' }] } }, 'source.members[0].docs', /"files" is not a known docs mode; known: file, lines/],
  [{ name: 'x', source: { ...FILES, members: [{ glob: '**', split: 'train', docs: 'file', offset: 3 }] } }, 'source.members[0].offset', /needs "every"/],
  [{ name: 'x', source: { ...FILES, members: [{ glob: '**', split: '../up', docs: 'file' }] } }, 'source.members[0].split', /one path segment/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'ftp://host/a.txt' }] } }, 'source.files[0].url', /unsupported scheme; known: http, https, file, npm/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'a.txt', size: -1 }] } }, 'source.files[0].size', /must be >= 0/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'a.txt', sha256: '../../victim.txt' }] } }, 'source.files[0].sha256', /must be a sha256 digest: 64 hex digits/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'a.txt', md5: 'abc' }] } }, 'source.files[0].md5', /md5 digest: 32 hex digits/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'a.txt', sha1: 'g'.repeat(40) }] } }, 'source.files[0].sha1', /sha1 digest: 40 hex digits/],
  [{ name: 'x', source: { ...FILES, files: [{ url: 'a.txt', integrity: 'sha512-../../x' }] } }, 'source.files[0].integrity', /SRI integrity string/],
  [{ name: '../../outside/pwned', source: EMBEDDED }, 'name', /one path segment/],
  [{ name: 'a/b', source: EMBEDDED }, 'name', /one path segment/],
  [{ name: 42, source: EMBEDDED }, 'name', /must be a string/],
  [[1, 2], undefined, /a pipeline spec must be a JSON object/],
  ['just a string', undefined, /a pipeline spec must be a JSON object/],
];

test('every spec section is validated as loaded: WM_ERR_SPEC naming the file, the key path and what is allowed', async () => {
  await withTmp(async (dir) => {
    for (const [i, [content, key, words]] of SPEC_CASES.entries()) {
      const file = path.join(dir, `case${i}.json`);
      await writeFile(file, JSON.stringify(content));
      const e = await rejectsWithCode(loadPipeline(file), 'WM_ERR_SPEC');
      assert.match(e.message, words, `case ${i}: ${e.message}`);
      assert.ok(e.message.startsWith(`spec file ${file}`), e.message);
      assert.equal(e.details.option, key, `case ${i}: ${e.message}`);
      assert.ok(!e.message.includes('\n'), 'one line');
    }
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"name": "x",\n  "source": ');
    const e = await rejectsWithCode(loadPipeline(broken), 'WM_ERR_SPEC');
    assert.match(e.message, /is not valid JSON/);
    assert.ok(!e.message.includes('\n'), e.message);
  });
});

/** --set problems: [assignment, key path named, words]. */
const SET_CASES: [string, string | undefined, RegExp][] = [
  ['model.arch=AWD_LSTM', 'model.arch', /^--set model\.arch: "AWD_LSTM" is not a known architecture; known: lstm, gru, rnn, awd-lstm/],
  ['text.tokenizer=klingon', 'text.tokenizer', /"klingon" is not a known tokenizer/],
  ['vocab.minfreq=1', 'vocab.minfreq', /did you mean "minFreq"/],
  ['vocabb.minFreq=1', 'vocabb', /is not a known key; known: name, .*did you mean "vocab"/],
  ['batch.seqLen=0', 'batch.seqLen', /must be >= 1 \(got 0\)/],
  ['batch.bs=2.5', 'batch.bs', /must be a whole number/],
  ['train.epochs=two', 'train.epochs', /must be a whole number \(got "two"\)/],
  ['batch.kind=bptt', 'batch.shuffle', /is not a known key; known: kind, bs, seqLen, seed/],
  ['model.adaptive={"cutoffs":[10]}', 'model.tied', /adaptive softmax cannot be tied/],
  ['source.kind=ftp', 'source.kind', /"ftp" is not a known kind/],
  ['name=../../pwned', 'name', /one path segment/],
  ['__proto__.polluted=1', 'set', /expected section\.key=value/],
  ['model', 'set', /expected section\.key=value/],
  ['=1', 'set', /expected section\.key=value/],
];

test('--set is validated with the spec before any work: WM_ERR_OPTION naming the --set key', async () => {
  for (const [assignment, key, words] of SET_CASES) {
    const e = await rejectsWithCode(loadPipeline('human-numbers', [assignment]), 'WM_ERR_OPTION');
    assert.match(e.message, words, `${assignment}: ${e.message}`);
    assert.equal(e.details.option, key, `${assignment}: ${e.message}`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // Good overrides still apply, with the stage's types.
  const spec = await loadPipeline('human-numbers', ['model.arch=awd-lstm', 'model.hidden=100', 'train.betas=[0.8,0.99]', 'batch={"kind":"bptt","seqLen":16}', 'batch.seed=1']);
  assert.equal(spec.model.arch, 'awd-lstm');
  assert.deepEqual(spec.train.betas, [0.8, 0.99]);
  assert.deepEqual(spec.batch, { kind: 'bptt', bs: 64, seqLen: 16, seed: 1 });
});

test('defaults come from each stage\'s schema; every catalog spec is valid', async () => {
  const names = (await readdir(PIPELINES_DIR)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
  assert.ok(names.length >= 9);
  for (const name of names) {
    const spec = await loadPipeline(name);
    assert.equal(spec.name, name);
  }
  await withTmp(async (dir) => {
    const file = path.join(dir, 'minimal.json');
    await writeFile(file, JSON.stringify({ source: FILES }));
    const spec = await loadPipeline(file);
    assert.equal(spec.name, 'minimal');
    assert.deepEqual(spec.text, { rules: 'fastai', tokenizer: 'spacy-en', unicode: '14.0' });
    assert.deepEqual(spec.vocab, { minFreq: 3, maxVocab: 60000, specials: 'fastai', order: 'count', padMultiple: 8 });
    assert.deepEqual(spec.batch, { kind: 'lm', bs: 64, seqLen: 72, shuffle: true, seed: 42 });
    assert.deepEqual(spec.model, { arch: 'lstm', emb: 200, hidden: 200, layers: 2, tied: true, dropout: 0.3, alpha: 2, beta: 1 });
    assert.deepEqual(spec.train, { epochs: 1, lr: 3e-3, wd: 0.01, schedule: 'one-cycle', betas: [0.9, 0.99], clip: 0.25 });
    assert.deepEqual(spec.splits, { train: 'train' });
  });
  // A corpus given by path or URL gets a safe name whatever its file name.
  const url = await loadPipeline('https://example.org/a%20b/../My Corpus!.tar.gz');
  assert.match(url.name, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
});
