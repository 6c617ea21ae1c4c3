import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lmStream } from '../../src/pipeline/batches.js';
import { catalogNames, loadPipeline } from '../../src/pipeline/load.js';
import { makeTextProcessor } from '../../src/text/index.js';
import { buildVocab, TokenCounter } from '../../src/vocab/index.js';

test('every catalog spec loads, and its text, vocabulary and batch sections are valid', async () => {
  const names = await catalogNames();
  for (const expected of ['brown', 'human-numbers', 'imdb', 'ptb', 'spam-assassin', 'time-machine', 'wikitext-103', 'wikitext-103-raw', 'wikitext-2', 'wikitext-2-raw']) {
    assert.ok(names.includes(expected), `catalog has ${expected}`);
  }
  for (const name of names) {
    const spec = await loadPipeline(name);
    assert.equal(spec.name, name);
    const tokens = makeTextProcessor(spec.text)('The Time Traveller (for so it will be convenient to speak of him) was expounding.');
    assert.ok(tokens.length > 0, `${name}: text section tokenizes`);
    const counter = new TokenCounter();
    counter.addTokens(tokens);
    const { file: _file, ...vocabOptions } = spec.vocab;
    assert.ok(buildVocab(counter, vocabOptions).itos.length > 0, `${name}: vocab section builds`);
    const split = { tokens: new Uint32Array(50_000), docStarts: [0, 50_000] };
    const stream = lmStream(spec, split, true);
    assert.ok(stream.batchesPerEpoch() > 0, `${name}: batch section makes a language-model stream`);
    if (spec.source.kind === 'files') {
      for (const f of spec.source.files) {
        assert.ok(f.sha256 || f.integrity || f.sha1 || f.md5 || f.size, `${name}: ${f.url} is verified by a digest or a size`);
      }
    }
  }
});

test('--set overrides reach the spec, and the defaults fill what a spec omits', async () => {
  const spec = await loadPipeline('brown', ['vocab.minFreq=1', 'batch.bs=32', 'train.betas=[0.8,0.99]', 'text.tokenizer=whitespace']);
  assert.equal(spec.vocab.minFreq, 1);
  assert.equal(spec.batch.bs, 32);
  assert.deepEqual(spec.train.betas, [0.8, 0.99]);
  assert.equal(spec.text.tokenizer, 'whitespace');
  assert.equal(spec.model.arch, 'lstm', 'brown omits model: the default applies');
});
