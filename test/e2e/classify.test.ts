import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../../src/train/rng.js';
import { SortishStream } from '../../src/batch/index.js';
import { openStore } from '../../src/store/index.js';

const BIN = fileURLToPath(new URL('../../../bin/wordmill.js', import.meta.url));

function wordmill(args: string[], env: Record<string, string>, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

const NEUTRAL = 'the a of to and in is it that was for on with as at by this movie film story'.split(' ');
const SIGNAL = { pos: 'great wonderful excellent loved superb'.split(' '), neg: 'awful terrible boring hated dreadful'.split(' ') };

/** fastai's from_folder layout: train/<label>/*.txt and valid/<label>/*.txt; ~60% neg (the majority). */
async function labelledFolder(dir: string): Promise<{ valid: { label: string; text: string }[] }> {
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const valid: { label: string; text: string }[] = [];
  for (const [split, n] of [['train', 240], ['valid', 80]] as const) {
    for (let i = 0; i < n; i++) {
      const label = r() < 0.4 ? 'pos' : 'neg';
      const words = Array.from({ length: 5 + Math.floor(r() * 50) }, () => pick(NEUTRAL));
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) words.splice(Math.floor(r() * words.length), 0, pick(SIGNAL[label]));
      const text = `${words.join(' ')}.`;
      await mkdir(path.join(dir, split, label), { recursive: true });
      await writeFile(path.join(dir, split, label, `${String(i).padStart(3, '0')}.txt`), `${text}\n`);
      if (split === 'valid') valid.push({ label, text });
    }
  }
  return { valid };
}

const SMALL = [
  '--set', 'model={"arch":"lstm","emb":16,"hidden":16,"layers":1,"tied":true,"dropout":0.1}',
  '--set', 'classifier={"lmEpochs":1,"bs":8,"bptt":8,"maxLen":64,"linFtrs":[16],"stages":[{"epochs":1,"lr":0.02,"freezeTo":-1},{"epochs":3,"lr":[0.001,0.01]}]}',
  '--set', 'vocab.minFreq=1', '--set', 'batch.bs=8', '--set', 'batch.seqLen=16',
];

test('run on a labelled folder: LM fine-tune, encoder, classifier stages beating the majority class; predict in input order; save-encoder', async () => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'wordmill-cls-'));
  try {
    const env = { WORDMILL_HOME: home };
    const corpus = path.join(home, 'reviews');
    const { valid } = await labelledFolder(corpus);
    const ran = await wordmill(['run', corpus, '--json', '--no-progress', ...SMALL], env);
    assert.equal(ran.status, 0, ran.stderr);
    // fastai's per-stage epoch table, then the confusion matrix and per-class scores.
    assert.match(ran.stderr, /language-model fine-tune on all the text/);
    assert.match(ran.stderr, /classifier stage 2\/2: all layers, 3 epoch\(s\) at slice\(1\.00e-3, 1\.00e-2\)/);
    assert.match(ran.stderr, /actual \\ predicted/);
    assert.match(ran.stderr, /doc\s+actual\s+predicted\s+p\(pred\)\s+loss\s+text/, 'the most confidently wrong documents');
    const r = JSON.parse(ran.stdout.trim().split('\n').pop()!);
    assert.equal(r.task, 'classifier');
    assert.deepEqual(r.classes, ['neg', 'pos']);
    assert.equal(r.stages.length, 2);
    assert.match(await readFile(r.confusionSvg, 'utf8'), /^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
    assert.deepEqual(Object.keys(r.stages[1].epochs[0]), ['epoch', 'trainLoss', 'validLoss', 'accuracy', 'f1', 'padding', 'seconds']);
    assert.match(ran.stderr, /epoch\s+train_loss\s+valid_loss\s+accuracy\s+f1\s+padding\s+time/);
    assert.match(ran.stderr, /sortish batches: valid padding \d+\.\d\d% \(train: the padding column, per epoch\)/);
    // The padding column is the sortish stream's own count for that epoch, numbered across stages
    // (stage 2's epochs are the stream's 1, 2, 3). 240 documents fit in one bs*50 chunk, so every
    // epoch holds the same batches (in another order) and pads the same.
    const store = await openStore(r.store);
    const stream = new SortishStream(store.split('train'), { bs: 8, shuffle: true, seed: 42, pad: 'chunk', seqLen: 8, padId: store.vocab.itos.indexOf('xxpad') });
    const got = r.stages.flatMap((st: { epochs: { padding: number }[] }) => st.epochs.map((e) => e.padding));
    assert.deepEqual(got, [0, 1, 2, 3].map((e) => stream.padding(e).ratio));
    assert.match(ran.stderr, new RegExp(`  ${(100 * got[3]).toFixed(2)}%  \\d`), 'the table row shows it');
    assert.ok('perplexity' in r.lm.epochs[0]);
    const majority = Math.max(...['pos', 'neg'].map((l) => valid.filter((v) => v.label === l).length)) / valid.length;
    assert.ok(r.accuracy > majority + 0.1, `accuracy ${r.accuracy} vs majority class ${majority}`);
    assert.ok(r.positive.label === 'pos' && r.positive.precision > 0 && r.positive.recall > 0);
    // predict: JSON lines in, one line out per input in the same order; the run directory names its last stage.
    const lines = valid.map((v) => JSON.stringify({ text: v.text })).join('\n');
    const pred = await wordmill(['predict', '--checkpoint', r.runDir, '--json', '--bs', '7'], env, lines);
    assert.equal(pred.status, 0, pred.stderr);
    const out = pred.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; probs: Record<string, number> });
    assert.equal(out.length, valid.length);
    const right = out.filter((o, i) => o.label === valid[i].label).length / valid.length;
    assert.ok(Math.abs(right - r.accuracy) < 1e-9, `predict's accuracy in input order ${right} is the run's ${r.accuracy}`);
    assert.ok(out.every((o) => Math.abs(o.probs.pos + o.probs.neg - 1) < 1e-4));
    const enc = path.join(home, 'enc.wmckpt');
    const saved = await wordmill(['save-encoder', '--checkpoint', r.checkpoint, '--out', enc], env);
    assert.equal(saved.status, 0, saved.stderr);
    const classify = await wordmill(['classify', corpus, '--json', '--no-progress', '--encoder', enc, ...SMALL], env);
    assert.equal(classify.status, 0, classify.stderr);
    const c = JSON.parse(classify.stdout.trim().split('\n').pop()!);
    assert.equal(c.lm, undefined, 'classify does not fine-tune a language model');
    assert.ok(c.accuracy > majority, `from the saved encoder: ${c.accuracy}`);
    const bad = await wordmill(['run', corpus, ...SMALL, '--set', 'classifier.stages=[{"epochs":1,"lr":-1}]'], env);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^wordmill: --set classifier\.stages\[0\]\.lr: must be > 0 \(got -1\) \[WM_ERR_OPTION\]\n$/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
