import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { download, DownloadCache, type FetchOptions } from '../../src/download/index.js';
import { WordmillError } from '../../src/errors.js';
import { defaultContext, type Progress, type StageContext } from '../../src/stage.js';
import { TestServer } from '../util/http-server.js';
import { withTmp } from '../util/tmp.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BODY = randomBytes(300_000);
const SUM = sha256(BODY);
let server: TestServer;
const fast = (cacheDir: string, more: FetchOptions = {}): FetchOptions =>
  ({ cacheDir, retries: 3, minDelay: 1, maxDelay: 20, bodyTimeout: 2000, headersTimeout: 2000, noProxy: '*', ...more });

before(async () => { server = await TestServer.start(); });
after(async () => {
  assert.equal(await server.settle(), 0, 'every connection closed');
  await server.close();
});

async function rejects(p: Promise<unknown>, code: string): Promise<WordmillError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof WordmillError, `expected WordmillError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('downloads, verifies, and is found in the cache the second time', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/plain.bin', { body: BODY, etag: '"v1"' });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual({ ...got, path: undefined }, { url, path: undefined, sha256: SUM, size: BODY.length, cached: false, name: 'plain.bin' });
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(path.basename(got.path), SUM);
    const hits = server.hits.length;
    const again = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.equal(again.cached, true);
    assert.equal(server.hits.length, hits, 'no request for a cached file');
    const offline = await download({ url }, fast(dir, { offline: true }), defaultContext());
    assert.equal(offline.sha256, SUM, 'a url record finds an unchecksummed source offline');
  });
});

test('a connection cut mid-body resumes with Range and If-Range, byte-identical', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/cut.bin', { body: BODY, etag: '"cut"', faults: [{ cutAfter: 100_000 }, { cutAfter: 50_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    const hits = server.hits.filter((h) => h.path === '/cut.bin');
    assert.equal(hits.length, 3);
    const resumed = hits.filter((h) => h.status === 206);
    assert.ok(resumed.length >= 1, 'at least one attempt resumed');
    for (const h of resumed) {
      assert.match(h.range!, /^bytes=[1-9]\d*-$/);
      assert.equal(h.ifRange, '"cut"');
    }
    assert.deepEqual(await readdir(path.join(dir, 'downloads', 'partial')), [], 'no .part left');
  });
});

test('the file-tail hashing thread gives the same digests, also across cuts and a restart', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/tail.bin', { body: BODY, etag: '"t"', faults: [{ cutAfter: 90_000 }, { cutAfter: 40_000 }] });
    const integrity = `sha512-${createHash('sha512').update(BODY).digest('base64')}`;
    await rejects(download({ url, sha256: SUM, integrity }, fast(dir, { tailHashMin: 0, retries: 0 }), defaultContext()), 'WM_ERR_NETWORK');
    const got = await download({ url, sha256: SUM, integrity }, fast(dir, { tailHashMin: 0 }), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    const statuses = server.hits.filter((h) => h.path === '/tail.bin').map((h) => h.status);
    assert.equal(statuses.length, 3);
    assert.ok(statuses.includes(206), 'resumed after the restart');
    const wrong = server.route('/tail-wrong.bin', { body: BODY });
    const e = await rejects(download({ url: wrong, sha256: 'cd'.repeat(32) }, fast(dir, { tailHashMin: 0 }), defaultContext()), 'WM_ERR_CHECKSUM');
    assert.equal(e.details.actual, `sha256 ${SUM}`);
  });
});

test('a .part left by an earlier run resumes under Last-Modified; a stale one restarts', async () => {
  await withTmp(async (dir) => {
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const url = server.route('/lm.bin', { body: BODY, lastModified });
    const part = new DownloadCache(dir).part(url);
    await mkdir(path.dirname(part), { recursive: true });
    await writeFile(part, BODY.subarray(0, 100_000));
    await writeFile(`${part}.json`, JSON.stringify({ url, lastModified }));
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.deepEqual(server.hits.filter((h) => h.path === '/lm.bin').map((h) => [h.status, h.range, h.ifRange]),
      [[206, 'bytes=100000-', lastModified]]);
    const url2 = server.route('/lm2.bin', { body: BODY, lastModified });
    const part2 = new DownloadCache(dir).part(url2);
    await writeFile(part2, Buffer.alloc(100_000, 7));
    await writeFile(`${part2}.json`, JSON.stringify({ url: url2, lastModified: 'Thu, 01 Jan 2015 00:00:00 GMT' }));
    const got2 = await download({ url: url2 }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got2.path), BODY, 'the stale prefix was not kept');
    assert.deepEqual(server.hits.filter((h) => h.path === '/lm2.bin').map((h) => h.status), [200]);
  });
});

test('a server that ignores Range gets a full restart, still byte-identical', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/norange.bin', { body: BODY, etag: '"n"', ignoreRange: true, faults: [{ cutAfter: 120_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.deepEqual(server.hits.filter((h) => h.path === '/norange.bin').map((h) => h.status), [200, 200]);
  });
});

test('a restarted program resumes the .part left by the previous one', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/restart.bin', { body: BODY, etag: '"r"', faults: [{ cutAfter: 200_000 }] });
    await rejects(download({ url, sha256: SUM }, fast(dir, { retries: 0 }), defaultContext()), 'WM_ERR_NETWORK');
    const parts = await readdir(path.join(dir, 'downloads', 'partial'));
    assert.equal(parts.filter((p) => p.endsWith('.part')).length, 1, 'the .part survives the failure');
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    const last = server.hits.filter((h) => h.path === '/restart.bin').at(-1)!;
    assert.equal(last.status, 206);
    assert.match(last.range!, /^bytes=[1-9]\d*-$/);
    assert.ok(Number(/\d+/.exec(last.range!)![0]) <= 200_000);
  });
});

test('500 then 200, 429 with Retry-After, 408: retried with backoff', async () => {
  await withTmp(async (dir) => {
    const logs: string[] = [];
    const progress: Progress = { start() {}, tick() {}, done() {}, log: (l) => logs.push(l) };
    const ctx: StageContext = { signal: new AbortController().signal, progress };
    const url = server.route('/flaky.bin', { body: BODY, faults: [{ status: 500 }, { status: 429, retryAfter: '0' }, { status: 408 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), ctx);
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(logs.length, 3);
    assert.match(logs[1], /HTTP 429.*retry 2\/3 in 0 ms/);
  });
});

test('retries are bounded: a server that keeps failing gives WM_ERR_HTTP after the last retry', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/down.bin', { body: BODY, faults: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    const e = await rejects(download({ url }, fast(dir, { retries: 2 }), defaultContext()), 'WM_ERR_HTTP');
    assert.match(e.message, /503.*gave up after 2 retries/);
    assert.equal(server.hits.filter((h) => h.path === '/down.bin').length, 3);
  });
});

test('a stalled body times out and the download resumes', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/stall.bin', { body: BODY, etag: '"s"', faults: [{ stallAfter: 64_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir, { bodyTimeout: 150 }), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(server.hits.filter((h) => h.path === '/stall.bin')[1].status, 206);
  });
});

test('a wrong checksum fails naming url, expected and actual, and leaves nothing behind', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/wrong.bin', { body: BODY, etag: '"w"' });
    const bad = 'ab'.repeat(32);
    const e = await rejects(download({ url, sha256: bad }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
    assert.equal(e.details.url, url);
    assert.equal(e.details.expected, `sha256 ${bad}`);
    assert.equal(e.details.actual, `sha256 ${SUM}`);
    assert.deepEqual(await readdir(path.join(dir, 'downloads', 'partial')), []);
    assert.deepEqual(await readdir(path.join(dir, 'downloads', 'sha256')), []);
    await rejects(download({ url, size: BODY.length + 1 }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
  });
});

test('SRI sha512 integrity is verified while streaming', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/sri.tgz', { body: BODY });
    const integrity = `sha512-${createHash('sha512').update(BODY).digest('base64')}`;
    const got = await download({ url, integrity }, fast(dir), defaultContext());
    assert.equal(got.sha256, SUM);
    const e = await rejects(download({ url: server.route('/sri2.tgz', { body: Buffer.from('x') }), integrity }, fast(dir), defaultContext()), 'WM_ERR_CHECKSUM');
    assert.equal(e.details.expected, integrity);
  });
});

test('404 and 410 are WM_ERR_NOT_FOUND naming the url; 401/403 are WM_ERR_ACCESS', async () => {
  await withTmp(async (dir) => {
    const e = await rejects(download({ url: server.url('/missing.txt') }, fast(dir), defaultContext()), 'WM_ERR_NOT_FOUND');
    assert.equal(e.details.url, server.url('/missing.txt'));
    assert.match(e.message, /missing\.txt/);
    await rejects(download({ url: server.route('/gone', { faults: [{ status: 410 }] }) }, fast(dir), defaultContext()), 'WM_ERR_NOT_FOUND');
    await rejects(download({ url: server.route('/secret', { faults: [{ status: 403 }] }) }, fast(dir), defaultContext()), 'WM_ERR_ACCESS');
    await rejects(download({ url: server.route('/auth', { faults: [{ status: 401 }] }) }, fast(dir), defaultContext()), 'WM_ERR_ACCESS');
  });
});

test('redirects are followed', async () => {
  await withTmp(async (dir) => {
    server.route('/target.bin', { body: BODY });
    const url = server.route('/moved', { redirect: '/target.bin' });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.equal(got.size, BODY.length);
  });
});

test('offline fails clearly when the file is not cached', async () => {
  await withTmp(async (dir) => {
    const url = server.route('/never.bin', { body: BODY });
    const e = await rejects(download({ url, sha256: SUM }, fast(dir, { offline: true }), defaultContext()), 'WM_ERR_OFFLINE');
    assert.match(e.message, /never\.bin/);
    assert.equal(server.hits.filter((h) => h.path === '/never.bin').length, 0);
  });
});

test('an unwritable cache is WM_ERR_DISK', async () => {
  await withTmp(async (dir) => {
    await writeFile(path.join(dir, 'file'), 'not a directory');
    const url = server.route('/disk.bin', { body: BODY });
    const e = await rejects(download({ url }, fast(path.join(dir, 'file', 'cache')), defaultContext()), 'WM_ERR_DISK');
    assert.match(e.message, /file\/cache/);
  });
});

test('an http proxy from the options is used', async () => {
  await withTmp(async (dir) => {
    server.route('/via-proxy.bin', { body: BODY });
    const got = await download({ url: 'http://example.invalid/via-proxy.bin', sha256: SUM },
      fast(dir, { httpProxy: server.url(''), noProxy: '' }), defaultContext());
    assert.equal(got.size, BODY.length);
    assert.ok(server.hits.some((h) => h.proxied && h.path === 'example.invalid:80'), 'tunnelled through the proxy');
    assert.equal(server.hits.at(-1)!.path, '/via-proxy.bin');
  });
});

test('progress reports bytes against the total', async () => {
  await withTmp(async (dir) => {
    let total: number | undefined;
    let ticked = 0;
    const progress: Progress = { start: (_t, n) => { total = n; }, tick: (_t, n) => { ticked += n; }, done() {}, log() {} };
    const url = server.route('/progress.bin', { body: BODY });
    await download({ url }, fast(dir), { signal: new AbortController().signal, progress });
    assert.equal(total, BODY.length);
    assert.equal(ticked, BODY.length);
  });
});

test('unknown options are rejected naming the option', async () => {
  await rejects(download({ url: server.url('/x') }, { retry: 3 } as FetchOptions, defaultContext()), 'WM_ERR_OPTION');
});
