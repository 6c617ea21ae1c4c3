import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipeline } from '../../src/pipeline/load.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';
import { writeTinyGpt2 } from '../util/hf-gpt2.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/gpt2-tiny', import.meta.url));
const GPT2 = ['text.tokenizer=gpt2', 'model.arch=gpt', 'batch.seqLen=16'];

test('train.init hf:DIR: the model takes config.json\'s dimensions and an absolute DIR; dropout stays the spec\'s', async () => {
  await withTmp(async (dir) => {
    await writeTinyGpt2(dir);
    const rel = path.relative(process.cwd(), dir);
    const spec = await loadPipeline('wikitext-2', [...GPT2, `train.init=hf:${rel}`]);
    assert.deepEqual(spec.model, { arch: 'gpt', layers: 1, heads: 2, emb: 8, context: 16, dropout: 0 });
    assert.equal(spec.train.init, `hf:${dir}`);
    const kept = await loadPipeline('wikitext-2', [...GPT2, `train.init=hf:${dir}`, 'model.dropout=0.2', 'model.emb=8']);
    assert.equal(kept.model.dropout, 0.2);
  });
});

test('train.init hf:DIR: inconsistent combinations are refused before any work, naming the key', async () => {
  await withTmp(async (dir) => {
    await writeTinyGpt2(dir);
    const cases: [string[], string, RegExp, string?][] = [
      [[...GPT2, `train.init=hf:${dir}`, 'model.emb=16'], 'model.emb', /16 differs from n_embd 8 in .*config\.json: leave it out/],
      [[...GPT2, `train.init=hf:${dir}`, 'batch.seqLen=32'], 'batch.seqLen', /must be <= model\.context \(16\)/],
      [['model.arch=gpt', 'batch.seqLen=16', `train.init=hf:${dir}`], 'text.tokenizer', /must be "gpt2" with train\.init .*embedding rows are the gpt2 tokenizer's ids/],
      [['text.tokenizer=gpt2', `train.init=hf:${dir}`], 'model.arch', /must be "gpt" to start from the pretrained GPT-2/],
      [[...GPT2, `train.init=hf:${FIXTURE}`], 'train.init', /vocab_size 1000, not the gpt2 tokenizer's 50257 ids/],
      [[...GPT2, 'train.init=gpt2/'], 'train.init', /must be "hf:DIR"/],
    ];
    for (const [sets, key, words] of cases) {
      const e = await rejectsWithCode(loadPipeline('wikitext-2', sets), 'WM_ERR_OPTION');
      assert.match(e.message, words, `${sets.join(' ')}: ${e.message}`);
      assert.equal(e.details.option, key, `${sets.join(' ')}: ${e.message}`);
    }
    const missing = await rejectsWithCode(loadPipeline('wikitext-2', [...GPT2, `train.init=hf:${path.join(dir, 'nope')}`]), 'WM_ERR_NOT_FOUND');
    assert.match(missing.message, /is not a Hugging Face model directory: .*config\.json cannot be read/);
  });
});
