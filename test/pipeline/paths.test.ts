import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { under, toSafeName } from '../../src/paths.js';
import { newRunDir } from '../../src/pipeline/runs.js';
import { DownloadCache } from '../../src/download/cache.js';
import { storeDir } from '../../src/store/fingerprint.js';
import { checkpointFile } from '../../src/train/checkpoint.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { ONE_LINE, runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';

test('under(): one plain segment per part, and the result strictly inside the root', () => {
  assert.equal(under('/r', 'a', 'b.json'), path.resolve('/r/a/b.json'));
  assert.equal(under('/r', '..a'), path.resolve('/r/..a'));
  for (const parts of [['..'], ['.'], [''], ['a/b'], ['..', 'x'], ['../x'], ['a\\b'], ['x\0y'], ['/etc'], []]) {
    assert.throws(() => under('/r', ...parts), (e: Error & { code?: string }) => e.code === 'WM_ERR_OPTION' && /not under/.test(e.message), JSON.stringify(parts));
  }
  assert.equal(toSafeName('../../outside/pwned'), 'outside-pwned');
  assert.equal(toSafeName('My Corpus!'), 'My-Corpus-');
  assert.equal(toSafeName('...'), 'corpus');
});

test('every path wordmill builds under a root goes through the guard: runs, stores, checkpoints, downloads', async () => {
  await withTmp(async (root) => {
    await rejectsWithCode(newRunDir(root, '../../outside'), 'WM_ERR_OPTION');
    await rejectsWithCode(newRunDir(root, '..'), 'WM_ERR_OPTION');
    assert.throws(() => storeDir(root, '../x'), /not under/);
    assert.equal(checkpointFile(root), path.join(root, 'last.wmckpt'));
    assert.throws(() => new DownloadCache(root).blob(`../${'0'.repeat(62)}`), /not a sha256 digest/);
    assert.ok((await newRunDir(root, 'ok')).startsWith(path.join(root, 'runs', 'ok')));
  });
});

test('a spec named "../../outside/pwned" is refused before anything is written, inside or outside the cache', async () => {
  await withTmp(async (dir) => {
    const home = path.join(dir, 'a', 'b', 'home');
    await mkdir(home, { recursive: true });
    const spec = path.join(dir, 'pwned.json');
    await writeFile(spec, JSON.stringify({ name: '../../outside/pwned', source: { kind: 'embedded', name: 'human-numbers' }, train: { epochs: 1 } }));
    const ran = await runCli(['run', spec, '--no-progress'], { WORDMILL_HOME: home });
    assert.equal(ran.status, 2, ran.stderr);
    assert.match(ran.stderr, ONE_LINE('WM_ERR_SPEC'));
    assert.match(ran.stderr, /name: must be one path segment/);
    assert.deepEqual(await readdir(home), [], 'nothing written in the cache');
    assert.deepEqual((await readdir(path.join(dir, 'a'))).sort(), ['b'], 'nothing written beside it');
    const set = await runCli(['prepare', '--set', 'name=../../pwned', '--no-progress'], { WORDMILL_HOME: home });
    assert.equal(set.status, 2, set.stderr);
    assert.match(set.stderr, ONE_LINE('WM_ERR_OPTION'));
    assert.deepEqual(await readdir(home), []);
  });
});
