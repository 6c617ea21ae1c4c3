import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fetchSource } from '../../src/download/index.js';
import { readDocuments } from '../../src/extract/index.js';
import type { MemberRule } from '../../src/pipeline/spec.js';
import { defaultContext } from '../../src/stage.js';
import { buildTarGz } from '../util/archives.js';
import { withTmp } from '../util/tmp.js';

async function docIds(dir: string, url: string, members: MemberRule[]): Promise<string[]> {
  const files = await fetchSource([{ url }], { cacheDir: path.join(dir, 'cache') }, defaultContext());
  const out: string[] = [];
  for await (const d of readDocuments(files, members)) out.push(`${d.split}:${d.id.replace(/^corpus\//, '')}`);
  return out;
}

test('every/offset select the same members from a folder as from the same files in a .tgz', async () => {
  await withTmp(async (dir) => {
    // 27 files in two levels, names that sort differently from creation order.
    const names = Array.from({ length: 27 }, (_, i) => (i % 3 === 0 ? `sub/f${String(26 - i).padStart(2, '0')}.txt` : `f${String(i).padStart(2, '0')}.txt`));
    const folder = path.join(dir, 'corpus');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    for (const n of names) await writeFile(path.join(folder, n), `text of ${n}\n`);
    await writeFile(path.join(dir, 'corpus.tgz'), await buildTarGz(names.map((n) => ({ name: `corpus/${n}`, body: `text of ${n}\n` }))));
    const rules = (prefix: string): MemberRule[] => [
      { glob: `${prefix}**/*.txt`, split: 'valid', docs: 'file', every: 4, offset: 3 },
      { glob: `${prefix}**/*.txt`, split: 'train', docs: 'file' },
    ];
    const fromFolder = await docIds(dir, folder, rules(''));
    const fromTgz = await docIds(dir, path.join(dir, 'corpus.tgz'), rules('corpus/'));
    assert.deepEqual([...fromFolder].sort(), [...fromTgz].sort(), 'one selection mechanism (arrival order differs: tar order vs sorted walk)');
    assert.equal(fromFolder.length, 27);
    const valid = fromFolder.filter((d) => d.startsWith('valid:'));
    assert.equal(valid.length, 6, '27 members, every 4th from offset 3: 6 of them');
    const sorted = [...names].sort();
    assert.deepEqual(valid.map((d) => d.slice('valid:'.length).replace(/#0$/, '')).sort(), sorted.filter((_, k) => k % 4 === 3));
    // Without the catch-all rule, the filter alone keeps 7 of 27 (offset 0), from the folder too.
    const only = await docIds(dir, folder, [{ glob: '**/*.txt', split: 'train', docs: 'file', every: 4 }]);
    assert.equal(only.length, 7);
  });
});

test('two directory sources count separately, as two archives do', async () => {
  await withTmp(async (dir) => {
    for (const d of ['a', 'b']) {
      await mkdir(path.join(dir, d));
      for (let i = 0; i < 5; i++) await writeFile(path.join(dir, d, `${i}.txt`), `${d}${i}`);
    }
    const files = await fetchSource([{ url: path.join(dir, 'a') }, { url: path.join(dir, 'b') }], { cacheDir: path.join(dir, 'cache') }, defaultContext());
    const texts: string[] = [];
    for await (const d of readDocuments(files, [{ glob: '*.txt', split: 'train', docs: 'file', every: 2, offset: 1 }])) texts.push(d.text);
    assert.deepEqual(texts, ['a1', 'a3', 'b1', 'b3']);
  });
});
