import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { download, DownloadCache, type FetchOptions } from '../../src/download/index.js';
import { defaultContext, type Progress, type StageContext } from '../../src/stage.js';
import { BODY, fast, SUM, useServer } from '../util/download-fixture.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';

const srv = useServer();

test('downloads, verifies, and is found in the cache the second time', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/plain.bin', { body: BODY, etag: '"v1"' });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual({ ...got, path: undefined }, { url, path: undefined, sha256: SUM, size: BODY.length, cached: false, name: 'plain.bin' });
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(path.basename(got.path), SUM);
    const hits = srv.server.hits.length;
    const again = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.equal(again.cached, true);
    assert.equal(srv.server.hits.length, hits, 'no request for a cached file');
    const offline = await download({ url }, fast(dir, { offline: true }), defaultContext());
    assert.equal(offline.sha256, SUM, 'a url record finds an unchecksummed source offline');
  });
});

test('500 then 200, 429 with Retry-After, 408: retried with backoff', async () => {
  await withTmp(async (dir) => {
    const logs: string[] = [];
    const progress: Progress = { start() {}, tick() {}, done() {}, log: (l) => logs.push(l) };
    const ctx: StageContext = { signal: new AbortController().signal, progress };
    const url = srv.server.route('/flaky.bin', { body: BODY, faults: [{ status: 500 }, { status: 429, retryAfter: '0' }, { status: 408 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), ctx);
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(logs.length, 3);
    assert.match(logs[1], /HTTP 429.*retry in 0 ms \(retry 2\/3 since the last progress, attempt 3\/30\)/);
  });
});

test('retries are bounded: a server that keeps failing gives WM_ERR_HTTP after the last retry', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/down.bin', { body: BODY, faults: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    const e = await rejectsWithCode(download({ url }, fast(dir, { retries: 2 }), defaultContext()), 'WM_ERR_HTTP');
    assert.match(e.message, /503.*gave up after 3 attempts, 2 retries without new bytes \(retries 2\)/);
    assert.equal(srv.server.hits.filter((h) => h.path === '/down.bin').length, 3);
  });
});

test('a wrong checksum fails naming url, expected and actual, and leaves nothing behind', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/wrong.bin', { body: BODY, etag: '"w"' });
    const bad = 'ab'.repeat(32);
    const e = await rejectsWithCode(download({ url, sha256: bad }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
    assert.equal(e.details.url, url);
    assert.equal(e.details.expected, `sha256 ${bad}`);
    assert.equal(e.details.actual, `sha256 ${SUM}`);
    assert.deepEqual(await readdir(path.join(dir, 'downloads', 'partial')), []);
    assert.deepEqual(await readdir(path.join(dir, 'downloads', 'sha256')), []);
    await rejectsWithCode(download({ url, size: BODY.length + 1 }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
  });
});

test('SRI sha512 integrity is verified while streaming', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/sri.tgz', { body: BODY });
    const integrity = `sha512-${createHash('sha512').update(BODY).digest('base64')}`;
    const got = await download({ url, integrity }, fast(dir), defaultContext());
    assert.equal(got.sha256, SUM);
    const e = await rejectsWithCode(download({ url: srv.server.route('/sri2.tgz', { body: Buffer.from('x') }), integrity }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
    assert.equal(e.details.expected, integrity);
  });
});

test('404 and 410 are WM_ERR_NOT_FOUND naming the url; 401/403 are WM_ERR_ACCESS', async () => {
  await withTmp(async (dir) => {
    const e = await rejectsWithCode(download({ url: srv.server.url('/missing.txt') }, fast(dir), defaultContext()), 'WM_ERR_NOT_FOUND');
    assert.equal(e.details.url, srv.server.url('/missing.txt'));
    assert.match(e.message, /missing\.txt/);
    await rejectsWithCode(download({ url: srv.server.route('/gone', { faults: [{ status: 410 }] }) }, fast(dir), defaultContext()), 'WM_ERR_NOT_FOUND');
    await rejectsWithCode(download({ url: srv.server.route('/secret', { faults: [{ status: 403 }] }) }, fast(dir), defaultContext()), 'WM_ERR_ACCESS');
    await rejectsWithCode(download({ url: srv.server.route('/auth', { faults: [{ status: 401 }] }) }, fast(dir), defaultContext()), 'WM_ERR_ACCESS');
  });
});

test('redirects are followed', async () => {
  await withTmp(async (dir) => {
    srv.server.route('/target.bin', { body: BODY });
    const url = srv.server.route('/moved', { redirect: '/target.bin' });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.equal(got.size, BODY.length);
  });
});

test('offline fails clearly when the file is not cached', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/never.bin', { body: BODY });
    const e = await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { offline: true }), defaultContext()), 'WM_ERR_OFFLINE');
    assert.match(e.message, /never\.bin/);
    assert.equal(srv.server.hits.filter((h) => h.path === '/never.bin').length, 0);
  });
});

test('an unwritable cache is WM_ERR_DISK', async () => {
  await withTmp(async (dir) => {
    await writeFile(path.join(dir, 'file'), 'not a directory');
    const url = srv.server.route('/disk.bin', { body: BODY });
    const e = await rejectsWithCode(download({ url }, fast(path.join(dir, 'file', 'cache')), defaultContext()), 'WM_ERR_DISK');
    assert.match(e.message, /file\/cache/);
  });
});

test('a full disk mid-download is WM_ERR_DISK (the .part is /dev/full)', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/full.bin', { body: BODY });
    const part = new DownloadCache(dir).part(url);
    await mkdir(path.dirname(part), { recursive: true });
    await symlink('/dev/full', part);
    const e = await rejectsWithCode(download({ url }, fast(dir), defaultContext()), 'WM_ERR_DISK');
    assert.match(e.message, /disk full: ENOSPC/);
  });
});

test('an http proxy from the options is used', async () => {
  await withTmp(async (dir) => {
    srv.server.route('/via-proxy.bin', { body: BODY });
    const got = await download({ url: 'http://example.invalid/via-proxy.bin', sha256: SUM },
      fast(dir, { httpProxy: srv.server.url(''), noProxy: '' }), defaultContext());
    assert.equal(got.size, BODY.length);
    assert.ok(srv.server.hits.some((h) => h.proxied && h.path === 'example.invalid:80'), 'tunnelled through the proxy');
    assert.equal(srv.server.hits.at(-1)!.path, '/via-proxy.bin');
  });
});

test('progress reports bytes against the total', async () => {
  await withTmp(async (dir) => {
    let total: number | undefined;
    let ticked = 0;
    const progress: Progress = { start: (_t, n) => { total = n; }, tick: (_t, n) => { ticked += n; }, done() {}, log() {} };
    const url = srv.server.route('/progress.bin', { body: BODY });
    await download({ url }, fast(dir), { signal: new AbortController().signal, progress });
    assert.equal(total, BODY.length);
    assert.equal(ticked, BODY.length);
  });
});

test('unknown options are rejected naming the option', async () => {
  await rejectsWithCode(download({ url: srv.server.url('/x') }, { retry: 3 } as FetchOptions, defaultContext()), 'WM_ERR_OPTION');
});
