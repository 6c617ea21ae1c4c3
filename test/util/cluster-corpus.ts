import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline } from '../../src/pipeline/load.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';
import { buildTarGz } from './archives.js';

/**
 * A corpus that exercises every kind of shard: a folder of small files (runs of whole files), one
 * large one-document-per-line file (byte ranges) and a labelled .tar.gz (member ranges), with many
 * equal counts so the vocabulary order hangs on the first-appearance tie-break.
 */
export async function writeClusterCorpus(dir: string, scale = 1): Promise<PipelineSpec> {
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const words = Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}`);
  const sentence = () => {
    const ws = Array.from({ length: 3 + Math.floor(rand() * 12) }, () => words[Math.floor(rand() ** 2 * words.length)]);
    ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
    return `${ws.join(' ')}${rand() < 0.2 ? '!!!' : '.'}`;
  };
  const para = (n: number) => Array.from({ length: n }, sentence).join(' ');
  const folder = path.join(dir, 'folder');
  await mkdir(path.join(folder, 'train'), { recursive: true });
  await mkdir(path.join(folder, 'valid'), { recursive: true });
  for (let f = 0; f < 40 * scale; f++) {
    await writeFile(path.join(folder, f % 8 === 7 ? 'valid' : 'train', `doc${String(f).padStart(4, '0')}.txt`), para(2 + Math.floor(rand() * 10)));
  }
  const lines = Array.from({ length: 400 * scale }, (_, i) => (i % 37 === 5 ? '   ' : para(1 + Math.floor(rand() * 3))));
  await writeFile(path.join(dir, 'big.txt'), `${lines.join('\n')}\n`);
  const members = Array.from({ length: 30 * scale }, (_, i) => ({ name: `reviews/${i % 2 ? 'pos' : 'neg'}/r${i}.txt`, body: para(3 + Math.floor(rand() * 6)) }));
  await writeFile(path.join(dir, 'reviews.tar.gz'), await buildTarGz(members));
  return {
    ...(await loadPipeline(folder)),
    name: 'cluster-corpus',
    source: {
      kind: 'files',
      files: [{ url: folder }, { url: path.join(dir, 'big.txt') }, { url: path.join(dir, 'reviews.tar.gz') }],
      members: [
        { glob: 'train/*.txt', split: 'train', docs: 'file' },
        { glob: 'valid/*.txt', split: 'valid', docs: 'file' },
        { glob: 'big.txt', split: 'train', docs: 'lines' },
        { glob: 'reviews/pos/*.txt', split: 'reviews', label: 'pos', docs: 'file' },
        { glob: 'reviews/neg/*.txt', split: 'reviews', label: 'neg', docs: 'file' },
      ],
    },
    vocab: { minFreq: 2, maxVocab: 60000, specials: 'fastai', order: 'count', padMultiple: 8 },
  };
}

/**
 * Two stores are the same bytes: every file, and meta.json but for `created` (the time it was
 * written, which differs between any two runs, local or not).
 */
export async function assertSameStore(a: string, b: string): Promise<void> {
  const names = (await readdir(a)).sort();
  assert.deepEqual((await readdir(b)).sort(), names, 'the same files');
  for (const n of names) {
    const [x, y] = [await readFile(path.join(a, n)), await readFile(path.join(b, n))];
    if (n === 'meta.json') {
      const strip = (buf: Buffer) => buf.toString('utf8').replace(/"created":"[^"]*"/, '"created":""');
      assert.equal(strip(y), strip(x), 'meta.json, but for its creation time');
    } else {
      assert.ok(x.equals(y), `${n} differs (${x.length} vs ${y.length} bytes)`);
    }
  }
}
