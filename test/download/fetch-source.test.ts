import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { fetchSource } from '../../src/download/index.js';
import { WordmillError } from '../../src/errors.js';
import { defaultContext } from '../../src/stage.js';
import { TestServer } from '../util/http-server.js';
import { withTmp } from '../util/tmp.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let server: TestServer;
before(async () => { server = await TestServer.start(); });
after(async () => {
  assert.equal(await server.settle(), 0, 'every connection closed');
  await server.close();
});

test('many files: at most `concurrency` transfers at once, results in the given order', async () => {
  await withTmp(async (dir) => {
    const bodies = Array.from({ length: 8 }, () => randomBytes(200_000));
    const files = bodies.map((b, i) => ({ url: server.route(`/many/${i}.bin`, { body: b }), sha256: sha256(b) }));
    server.maxInFlight = 0;
    const got = await fetchSource(files, { cacheDir: dir, concurrency: 2, noProxy: '*' }, defaultContext());
    assert.deepEqual(got.map((g) => g.sha256), bodies.map(sha256));
    assert.ok(server.maxInFlight <= 2, `max in flight ${server.maxInFlight}`);
    assert.ok(server.maxInFlight >= 1);
  });
});

test('the same url twice is fetched once', async () => {
  await withTmp(async (dir) => {
    const body = randomBytes(1000);
    const url = server.route('/twice.bin', { body });
    const got = await fetchSource([{ url }, { url }], { cacheDir: dir, noProxy: '*' }, defaultContext());
    assert.equal(got.length, 2);
    assert.equal(server.hits.filter((h) => h.path === '/twice.bin').length, 1);
  });
});

test('local files, file:// urls and directories resolve to content digests', async () => {
  await withTmp(async (dir) => {
    const corpus = path.join(dir, 'corpus');
    await mkdir(path.join(corpus, 'b'), { recursive: true });
    await writeFile(path.join(corpus, 'b', 'two.txt'), 'two');
    await writeFile(path.join(corpus, 'a.txt'), 'one');
    const single = path.join(dir, 'single.txt');
    await writeFile(single, 'single');
    const cacheDir = path.join(dir, 'cache');
    const got = await fetchSource([{ url: corpus }, { url: pathToFileURL(single).href, sha256: sha256('single') }], { cacheDir }, defaultContext());
    assert.deepEqual(got.map((g) => [g.name, g.sha256, g.size, g.cached]), [
      ['a.txt', sha256('one'), 3, true], ['b/two.txt', sha256('two'), 3, true], ['single.txt', sha256('single'), 6, true],
    ]);
    const again = await fetchSource([{ url: corpus }], { cacheDir }, defaultContext());
    assert.equal(again[1].sha256, sha256('two'), 'digest cache hit gives the same digest');
    await writeFile(path.join(corpus, 'a.txt'), 'changed!');
    const changed = await fetchSource([{ url: corpus }], { cacheDir }, defaultContext());
    assert.equal(changed[0].sha256, sha256('changed!'), 'a changed file is re-hashed');
    await assert.rejects(fetchSource([{ url: single, sha256: sha256('other') }], { cacheDir }, defaultContext()),
      (e: WordmillError) => e.code === 'WM_ERR_CHECKSUM');
    await assert.rejects(fetchSource([{ url: path.join(dir, 'missing') }], { cacheDir }, defaultContext()),
      (e: WordmillError) => e.code === 'WM_ERR_NOT_FOUND' && e.message.includes('missing'));
  });
});

test('the first failure wins and the other transfers stop', async () => {
  await withTmp(async (dir) => {
    const slow = server.route('/slow.bin', { body: randomBytes(100_000), etag: '"s"', faults: [{ stallAfter: 1000 }] });
    const files = [{ url: slow }, { url: server.url('/absent.bin') }];
    await assert.rejects(fetchSource(files, { cacheDir: dir, bodyTimeout: 60_000, noProxy: '*' }, defaultContext()),
      (e: WordmillError) => e.code === 'WM_ERR_NOT_FOUND' && e.message.includes('absent.bin'));
  });
});

test('a user abort stops the fetch with WM_ERR_ABORTED', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/abort.bin', { body: randomBytes(100_000), faults: [{ stallAfter: 1000 }] });
    const ac = new AbortController();
    const p = fetchSource([{ url }], { cacheDir: dir, noProxy: '*' }, { ...defaultContext(ac.signal) });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, (e: WordmillError) => e.code === 'WM_ERR_ABORTED');
  });
});
