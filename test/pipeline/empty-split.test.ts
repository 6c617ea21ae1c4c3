import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline } from '../../src/pipeline/load.js';
import { prepare } from '../../src/pipeline/prepare.js';
import { defaultContext } from '../../src/stage.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { ONE_LINE, runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';

const rule = (glob: string, split: string) => ({ glob, split, docs: 'file' });

async function specFile(dir: string, name: string, corpus: string, members: object[], splits: object): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ name, source: { kind: 'files', files: [{ url: corpus }], members }, splits, text: { rules: 'none', tokenizer: 'whitespace' } }));
  return file;
}

test('a split the spec asks for that comes out empty fails prepare, naming the split, the globs and the source; no store is kept', async () => {
  await withTmp(async (dir) => {
    const corpus = path.join(dir, 'corpus');
    await mkdir(path.join(corpus, 'train'), { recursive: true });
    await writeFile(path.join(corpus, 'train', 'a.txt'), 'one two three four');
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const root = path.join(dir, 'home');
    const cases: [string, RegExp][] = [
      [await specFile(dir, 'noglob', corpus, [rule('training/*.txt', 'train')], { train: 'train' }), /splits\.train "train" came out empty \(no documents\): nothing in .*corpus matched "training\/\*\.txt"/],
      [await specFile(dir, 'novalid', corpus, [rule('train/*.txt', 'train'), rule('valid/*.txt', 'valid')], { train: 'train', valid: 'valid' }), /splits\.valid "valid" came out empty \(no documents\): nothing in .*corpus matched "valid\/\*\.txt"/],
      [await specFile(dir, 'notest', corpus, [rule('train/*.txt', 'train'), rule('test/**', 'test')], { train: 'train', test: 'test' }), /splits\.test "test" came out empty \(no documents\): nothing in .*corpus matched "test\/\*\*"/],
      [await specFile(dir, 'emptydir', empty, [rule('**', 'train')], { train: 'train' }), /splits\.train "train" came out empty.*matched "\*\*"/],
    ];
    for (const [file, words] of cases) {
      const e = await rejectsWithCode(prepare(await loadPipeline(file), { root, workers: 1 }, defaultContext()), 'WM_ERR_NOT_FOUND');
      assert.match(e.message, words);
    }
    const stores = await readdir(path.join(root, 'stores')).catch(() => []);
    assert.deepEqual(stores.filter((n) => !n.endsWith('.lock')), [], 'no store, no temp dir');
    // A plain empty folder on the command line: exit 3, one line, before `run` would say "has no split".
    const ran = await runCli(['run', empty, '--no-progress', '--workers', '1'], { WORDMILL_HOME: root });
    assert.equal(ran.status, 3, ran.stderr);
    assert.match(ran.stderr.split('\n').filter((l) => l.startsWith('wordmill:')).join('\n') + '\n', ONE_LINE('WM_ERR_NOT_FOUND'));
    assert.match(ran.stderr, /came out empty.*empty/);
  });
});
