import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ONE_LINE, runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';

test('commander errors (unknown option, missing argument, bad choice, unknown command) are one wordmill line, exit 2', async () => {
  for (const args of [['run', '--bogus'], ['run', '--epochs'], ['inspect', 'x', '--kind', 'zz'], ['nosuch'], ['prepare', '--set']]) {
    const r = await runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, ONE_LINE('WM_ERR_OPTION'), args.join(' '));
  }
});

test('text.tokenizer=klingon and vocab.minfreq are usage errors before anything is read or started', async () => {
  await withTmp(async (dir) => {
    const spec = path.join(dir, 'missing-source.json');
    // The source does not exist: reading it first would be WM_ERR_NOT_FOUND (exit 3), a pool start exit 8.
    await writeFile(spec, JSON.stringify({ source: { kind: 'files', files: [{ url: path.join(dir, 'nope.txt') }], members: [{ glob: '**', split: 'train', docs: 'file' }] } }));
    for (const set of ['text.tokenizer=klingon', 'vocab.minfreq=1', 'model.arch=AWD_LSTM', 'batch.seqLen=0']) {
      const r = await runCli(['run', spec, '--set', set, '--no-progress'], { WORDMILL_HOME: dir });
      assert.equal(r.status, 2, `${set}: ${r.stderr}`);
      assert.match(r.stderr, ONE_LINE('WM_ERR_OPTION'), set);
    }
    assert.deepEqual((await readdir(dir)).sort(), ['missing-source.json'], 'nothing written');
  });
});
