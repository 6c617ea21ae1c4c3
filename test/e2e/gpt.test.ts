import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';

const CORPUS = fileURLToPath(new URL('../../../test/fixtures/subword/corpus.txt', import.meta.url));
const lastJson = (stdout: string): Record<string, any> => JSON.parse(stdout.trim().split('\n').pop()!);

/**
 * brown.json's own sections (every 10th file validates, fastai rules) over 20 small files cut from
 * the committed Brown sample, so the run needs no network: `wordmill run brown --set
 * text.tokenizer=subword --set model.arch=gpt` with a tiny corpus.
 */
async function tinyBrown(dir: string): Promise<string> {
  const brown = JSON.parse(await readFile(fileURLToPath(new URL('../../../pipelines/brown.json', import.meta.url)), 'utf8'));
  const lines = (await readFile(CORPUS, 'utf8')).split('\n').filter((l) => l.trim());
  const files = path.join(dir, 'corpus');
  await mkdir(files);
  for (let i = 0; i < 20; i++) await writeFile(path.join(files, `c${String(i).padStart(2, '0')}`), `${lines.slice(i * 15, (i + 1) * 15).join('\n')}\n`);
  const members = brown.source.members.map((m: Record<string, unknown>) => ({ ...m, glob: 'c[0-9][0-9]', stripTags: false }));
  const spec = { ...brown, name: 'tiny-brown', source: { kind: 'files', files: [{ url: files }], members } };
  const file = path.join(dir, 'tiny-brown.json');
  await writeFile(file, JSON.stringify(spec));
  return file;
}

const SMALL = ['--set', 'text.subword.vocabSz=200', '--set', 'model.emb=32', '--set', 'model.layers=2', '--set', 'model.heads=2',
  '--set', 'model.context=16', '--set', 'batch.seqLen=16', '--set', 'batch.bs=8', '--set', 'train.schedule=warmup-cosine'];

test('run <brown-like spec> --set text.tokenizer=subword --set model.arch=gpt trains, reports perplexity and generates (sampled, greedy, beams)', async () => {
  await withTmp(async (dir) => {
    const spec = await tinyBrown(dir);
    const env = { WORDMILL_HOME: path.join(dir, 'home') };
    const ran = await runCli(['run', spec, '--set', 'text.tokenizer=subword', '--set', 'model.arch=gpt', ...SMALL, '--epochs', '1', '--samples', '1', '--json', '--no-progress'], env);
    assert.equal(ran.status, 0, ran.stderr);
    const r = lastJson(ran.stdout);
    assert.equal(r.vocabSize, 200);
    assert.equal(r.epochs.length, 1);
    assert.ok(r.epochs.every((e: { perplexity: number }) => Number.isFinite(e.perplexity) && e.perplexity < 200), JSON.stringify(r.epochs));
    assert.match(ran.stderr, /epoch\s+train_loss\s+valid_loss\s+accuracy\s+perplexity/);
    assert.equal(r.samples.length, 1);
    assert.match(r.samples[0], /^The jury said/, 'the prompt, detokenized from subword pieces');
    const runDir = path.dirname(r.checkpoint);
    const runSpec = JSON.parse(await readFile(path.join(runDir, 'spec.json'), 'utf8'));
    assert.equal(runSpec.model.arch, 'gpt');
    assert.ok(runSpec.text.subword.model, 'the run names the subword model it was trained with');
    const gen = (more: string[]) => runCli(['generate', '--checkpoint', runDir, '--prompt', 'The jury', '--words', '6', '--json', ...more], env);
    const g1 = await gen(['--greedy', '--samples', '1']);
    assert.equal(g1.status, 0, g1.stderr);
    const g2 = await gen(['--greedy', '--samples', '1']);
    assert.deepEqual(lastJson(g2.stdout).samples, lastJson(g1.stdout).samples, 'greedy is deterministic');
    const beams = await gen(['--beams', '5', '--samples', '3']);
    assert.equal(beams.status, 0, beams.stderr);
    assert.equal(lastJson(beams.stdout).samples.length, 3);
    const tooLong = await runCli(['run', spec, '--set', 'model.arch=gpt', '--set', 'model.context=16', '--set', 'batch.seqLen=32', '--no-progress'], env);
    assert.equal(tooLong.status, 2);
    assert.match(tooLong.stderr, /batch\.seqLen: must be <= model\.context \(16\).*\[WM_ERR_OPTION\]/);
  });
});
