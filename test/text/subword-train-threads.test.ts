import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WordmillError } from '../../src/errors.js';
import { fingerprintText } from '../../src/pipeline/subword.js';
import { writeModel } from '../../src/text/subword/model-file.js';
import { resolveSubwordSpec } from '../../src/text/subword/options.js';
import { trainSubword, type TrainOptions } from '../../src/text/subword/train/train.js';

const lines = readFileSync(new URL('../../../test/fixtures/subword/corpus.txt', import.meta.url), 'utf8').split('\n');
const userDefined = ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj'].map((t) => `▁${t}`);
const base: TrainOptions = { type: 'unigram', vocabSize: 400, characterCoverage: 0.99999, userDefined, unkId: 9 };
const FAULTY = new URL('../util/faulty-subword-worker.js', import.meta.url);

test('subword train threads: the same model bytes from 1, 2 and 3 threads (chunks summed in chunk order)', async () => {
  // Small chunks, so that each thread holds several and the fold crosses threads.
  for (const chunkChars of [1000, 16_384]) {
    const one = writeModel(await trainSubword(lines, { ...base, threads: 1, chunkChars }));
    for (const threads of [2, 3]) assert.deepEqual(writeModel(await trainSubword(lines, { ...base, threads, chunkChars })), one, `chunkChars ${chunkChars}, ${threads} threads`);
  }
});

for (const [fault, code, message] of [['throw', 'WM_ERR_TRAIN', /injected E-step failure/], ['crash', 'WM_ERR_WORKER', /worker died: injected worker crash/]] as const) {
  test(`subword train threads: a worker's ${fault} comes back as a ${code} with its message`, async () => {
    process.env.WM_FAULT = fault;
    try {
      await assert.rejects(trainSubword(lines, { ...base, threads: 2, workerFile: FAULTY }), (e: unknown) => e instanceof WordmillError && e.code === code && message.test(e.message));
    } finally {
      delete process.env.WM_FAULT;
    }
  });

  test(`subword train threads: after a worker's ${fault} every worker is torn down (the process exits by itself)`, () => {
    // A worker left running would keep the child alive until the timeout kills it (status null).
    const script = `
      import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
      const { trainSubword } = await import(${JSON.stringify(new URL('../../src/text/subword/train/train.js', import.meta.url).href)});
      const lines = readFileSync(${JSON.stringify(new URL('../../../test/fixtures/subword/corpus.txt', import.meta.url).pathname)}, 'utf8').split('\\n');
      try {
        await trainSubword(lines, { ...${JSON.stringify({ ...base, threads: 2 })}, workerFile: new URL(${JSON.stringify(FAULTY.href)}) });
      } catch (e) { console.log('failed:', e.code, e.message); }`;
    // A file, not --eval: workers inherit the parent's flags, and --input-type is refused in a worker.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-sptrain-'));
    const file = path.join(dir, 'train.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { env: { ...process.env, WM_FAULT: fault }, timeout: 120_000, encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, `exit status ${r.status} (signal ${r.signal}): ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`failed: ${code} .*${message.source}`));
  });
}

test('subword train threads: invalid thread counts are refused naming the key, before any work', async () => {
  for (const threads of [0, 1.5, 257, Number.NaN]) {
    await assert.rejects(trainSubword(['a b'], { ...base, threads }), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION' && /^subword training: threads: /.test(e.message) && e.details.option === 'threads');
  }
  await assert.rejects(trainSubword(['a b'], { ...base, chunkChars: 0 }), /subword training: chunkChars: /);
  for (const threads of [0, 'two', 2.5]) {
    assert.throws(() => resolveSubwordSpec({ threads } as never), (e: unknown) => e instanceof WordmillError && e.code === 'WM_ERR_OPTION' && /^text\.subword: threads: /.test(e.message));
  }
  assert.throws(() => resolveSubwordSpec({ thread: 2 } as never), /text\.subword: thread: /);
  assert.equal(resolveSubwordSpec({ threads: 4 }).threads, 4);
});

test('subword train threads: text.subword.threads is left out of fingerprints (the model does not depend on it)', () => {
  const text = { rules: 'fastai', tokenizer: 'subword', subword: { vocabSz: 300, threads: 2 } } as const;
  assert.deepEqual(fingerprintText(text as never), { rules: 'fastai', tokenizer: 'subword', subword: { vocabSz: 300 } });
  const plain = { rules: 'fastai', tokenizer: 'subword', subword: { vocabSz: 300 } } as const;
  assert.equal(fingerprintText(plain as never), plain);
});
