import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';
import { TINY_GPT2, writeTinyGpt2 } from '../util/hf-gpt2.js';
import { loadHfGpt2 } from '../../src/train/hf/index.js';

const CORPUS = fileURLToPath(new URL('../../../test/fixtures/subword/corpus.txt', import.meta.url));
const lastJson = (stdout: string): Record<string, any> => JSON.parse(stdout.trim().split('\n').pop()!);

/** Ten small documents, every 5th validating: a corpus the run needs no network for. */
async function tinySpec(dir: string): Promise<string> {
  const lines = (await readFile(CORPUS, 'utf8')).split('\n').filter((l) => l.trim());
  const files = path.join(dir, 'corpus');
  await mkdir(files);
  for (let i = 0; i < 10; i++) await writeFile(path.join(files, `c${i}`), `${lines.slice(i * 6, (i + 1) * 6).join('\n')}\n`);
  const members = [{ glob: 'c[0-9]', split: 'valid', docs: 'file', every: 5, offset: 4 }, { glob: 'c[0-9]', split: 'train', docs: 'file' }];
  const file = path.join(dir, 'tiny.json');
  await writeFile(file, JSON.stringify({ name: 'tiny', source: { kind: 'files', files: [{ url: files }], members }, splits: { train: 'train', valid: 'valid' } }));
  return file;
}

test('train.init hf:DIR trains from a pretrained GPT-2; export-hf writes the run back; generate --checkpoint hf:DIR samples from it', async () => {
  await withTmp(async (dir) => {
    const hf = path.join(dir, 'gpt2');
    const weights = await writeTinyGpt2(hf);
    const spec = await tinySpec(dir);
    const env = { WORDMILL_HOME: path.join(dir, 'home') };
    // A learning rate too small to move a weight by more than float32 noise: the run's weights are the pretrained ones.
    const ran = await runCli(['run', spec, '--set', 'text.tokenizer=gpt2', '--set', 'model.arch=gpt', '--set', `train.init=hf:${hf}`,
      '--set', 'batch.seqLen=16', '--set', 'batch.bs=4', '--set', 'train.lr=1e-12', '--set', 'train.wd=0', '--epochs', '1', '--samples', '1', '--json', '--no-progress'], env);
    assert.equal(ran.status, 0, ran.stderr);
    const r = lastJson(ran.stdout);
    assert.equal(r.vocabSize, 50257);
    assert.ok(Number.isFinite(r.epochs[0].perplexity));
    const runDir = path.dirname(r.checkpoint);
    const runSpec = JSON.parse(await readFile(path.join(runDir, 'spec.json'), 'utf8'));
    assert.deepEqual(runSpec.model, { arch: 'gpt', layers: 1, heads: 2, emb: 8, context: 16, dropout: 0 });
    const out = path.join(dir, 'exported');
    const ex = await runCli(['export-hf', '--checkpoint', runDir, out, '--json'], env);
    assert.equal(ex.status, 0, ex.stderr);
    const exported = lastJson(ex.stdout);
    assert.equal(exported.gpt2Tokenizer, true);
    // GPT2TokenizerFast.from_pretrained(out) needs the tokenizer's files beside the weights (BENCHMARKS.md: checked with transformers).
    assert.deepEqual(exported.files.map((f: string) => path.basename(f)), ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']);
    assert.equal(Object.keys(JSON.parse(await readFile(path.join(out, 'vocab.json'), 'utf8'))).length, 50257);
    const back = await loadHfGpt2(out);
    assert.deepEqual(back.dims, TINY_GPT2);
    for (const [k, w] of weights) {
      const got = back.tensors.get(`param/${k}`)!;
      let d = 0;
      for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(got[i] - w[i]));
      assert.ok(d < 1e-6, `${k} moved by ${d}: the run did not start from the pretrained weights`);
    }
    const gen = () => runCli(['generate', '--checkpoint', `hf:${hf}`, '--prompt', 'The jury said', '--words', '5', '--greedy', '--samples', '1', '--json'], env);
    const g1 = await gen();
    assert.equal(g1.status, 0, g1.stderr);
    const [sample] = lastJson(g1.stdout).samples;
    assert.ok(sample.startsWith('The jury said') && sample.length > 'The jury said'.length, sample);
    assert.deepEqual(lastJson((await gen()).stdout).samples, [sample], 'greedy is deterministic');
    const missing = await runCli(['export-hf', '--checkpoint', path.join(dir, 'missing'), path.join(dir, 'x')], env);
    assert.equal(missing.status, 10);
    assert.match(missing.stderr, /does not exist \[WM_ERR_CHECKPOINT\]/);
  });
});

test('lr-find honours train.init hf:DIR: the sweep starts from the pretrained weights, not a random model of the same shape', async () => {
  await withTmp(async (dir) => {
    const hf = path.join(dir, 'gpt2');
    await writeTinyGpt2(hf);
    const spec = await tinySpec(dir);
    const env = { WORDMILL_HOME: path.join(dir, 'home') };
    const sweep = async (...set: string[]) => {
      const args = ['text.tokenizer=gpt2', 'model.arch=gpt', 'batch.seqLen=16', 'batch.bs=4', ...set].flatMap((s) => ['--set', s]);
      const r = await runCli(['lr-find', spec, ...args, '--num-it', '2', '--start-lr', '1e-7', '--plot', path.join(dir, 'lr.svg'), '--json', '--no-progress'], env);
      assert.equal(r.status, 0, r.stderr);
      return lastJson(r.stdout).points[0].loss as number;
    };
    const pretrained = await sweep(`train.init=hf:${hf}`);
    const random = await sweep('model.layers=1', 'model.heads=2', 'model.emb=8', 'model.context=16', 'model.dropout=0');
    // Same batches, same shapes: only the starting weights differ (the trainer test checks the loss against transformers').
    assert.ok(Math.abs(pretrained - random) > 1e-3, `first losses ${pretrained} (hf) and ${random} (random) should differ`);
  });
});
