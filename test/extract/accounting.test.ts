import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { ResolvedFile } from '../../src/download/index.js';
import { entries, newStats, readDocuments } from '../../src/extract/index.js';
import { buildTarGz } from '../util/archives.js';
import { withTmp } from '../util/tmp.js';
import { buildZip } from '../util/zip.js';

const file = (p: string, name: string): ResolvedFile => ({ url: `file://${p}`, path: p, sha256: '', size: 0, cached: true, name });

test('a zip read by path counts its members once, never more compressed bytes than the file has', async () => {
  await withTmp(async (dir) => {
    const z = path.join(dir, 'two.zip');
    await writeFile(z, buildZip([{ name: 'a.txt', body: 'alpha '.repeat(50) }, { name: 'b.txt', body: 'beta', store: true }]));
    const stats = newStats();
    for await (const e of entries(z, { stats })) e.body.resume();
    assert.ok(stats.compressedBytes > 0);
    assert.ok(stats.compressedBytes <= (await stat(z)).size, `${stats.compressedBytes} compressed bytes counted for a ${(await stat(z)).size}-byte zip`);
  });
});

test('the listing pass for `every` rules keeps the caller\'s archive limits', async () => {
  await withTmp(async (dir) => {
    // ~1000x: over the default ratio limit of 200 once past 32 MiB, within the 5000 asked for. Listing a
    // tar.gz inflates all of it, so the listing pass meets the limit as the reading pass does.
    const tgz = path.join(dir, 'big.tar.gz');
    await writeFile(tgz, await buildTarGz([{ name: 'big.txt', body: 'a'.repeat(40 << 20) }]));
    const reader = readDocuments([file(tgz, 'big.tar.gz')], [{ glob: '*.txt', split: 'train', docs: 'file', every: 1 }], { maxRatio: 5000 });
    let docs = 0;
    // A 40 MB document comes in pieces that share its id: count it once, at its last piece.
    for await (const d of reader) docs += d.text.length > 0 && (!d.piece || d.piece.last) ? 1 : 0;
    assert.equal(docs, 1);
  });
});
