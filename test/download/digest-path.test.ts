import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { download } from '../../src/download/index.js';
import { DownloadCache } from '../../src/download/cache.js';
import { defaultContext } from '../../src/stage.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { BODY, fast, SUM, useServer } from '../util/download-fixture.js';
import { withTmp } from '../util/tmp.js';

const srv = useServer();

test('a digest field is never a path: "../" digests are refused, online or offline, before any file is looked at', async () => {
  await withTmp(async (dir) => {
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'secret');
    const cacheDir = path.join(dir, 'cache');
    await mkdir(path.join(cacheDir, 'downloads', 'sha256'), { recursive: true });
    const url = srv.server.route('/d.bin', { body: BODY });
    for (const bad of [
      { sha256: '../../victim.txt' }, { sha256: `${SUM.slice(0, 63)}/` }, { sha256: SUM.slice(0, 40) },
      { md5: '../x' }, { sha1: 'z'.repeat(40) }, { integrity: 'sha512-../../victim.txt' },
    ]) {
      for (const offline of [true, false]) {
        const e = await rejectsWithCode(download({ url, ...bad }, fast(cacheDir, { offline }), defaultContext()), 'WM_ERR_SPEC');
        assert.match(e.message, /digest|integrity/, e.message);
      }
    }
    assert.equal(srv.server.hits.filter((h) => h.path === '/d.bin').length, 0, 'nothing was fetched');
    assert.throws(() => new DownloadCache(cacheDir).blob('../../victim.txt'), /not a sha256 digest/);
  });
});

test('a url record naming a non-digest is ignored (fetched again), never followed to another file', async () => {
  await withTmp(async (dir) => {
    const cacheDir = path.join(dir, 'cache');
    const url = srv.server.route('/r.bin', { body: BODY });
    const first = await download({ url }, fast(cacheDir), defaultContext());
    assert.equal(first.sha256, SUM);
    const cache = new DownloadCache(cacheDir);
    const record = JSON.parse(await readFile(cache.record(url), 'utf8')) as { sha256: string };
    await writeFile(path.join(dir, 'victim.txt'), 'secret');
    record.sha256 = '../../../victim.txt';
    await writeFile(cache.record(url), JSON.stringify(record));
    await rejectsWithCode(download({ url }, fast(cacheDir, { offline: true }), defaultContext()), 'WM_ERR_OFFLINE');
    const again = await download({ url }, fast(cacheDir), defaultContext());
    assert.equal(again.sha256, SUM);
    assert.equal(again.cached, false);
    assert.deepEqual(await readdir(path.join(cacheDir, 'downloads', 'sha256')), [SUM]);
  });
});
