import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { download, DownloadCache } from '../../src/download/index.js';
import { defaultContext } from '../../src/stage.js';
import { BODY, fast, SUM, useServer } from '../util/download-fixture.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';

const srv = useServer();

test('a connection cut mid-body resumes with Range and If-Range, byte-identical', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/cut.bin', { body: BODY, etag: '"cut"', faults: [{ cutAfter: 100_000 }, { cutAfter: 50_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    const hits = srv.server.hits.filter((h) => h.path === '/cut.bin');
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

test('a .part left by an earlier run resumes under Last-Modified; a stale one restarts', async () => {
  await withTmp(async (dir) => {
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const url = srv.server.route('/lm.bin', { body: BODY, lastModified });
    const part = new DownloadCache(dir).part(url);
    await mkdir(path.dirname(part), { recursive: true });
    await writeFile(part, BODY.subarray(0, 100_000));
    await writeFile(`${part}.json`, JSON.stringify({ url, lastModified }));
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.deepEqual(srv.server.hits.filter((h) => h.path === '/lm.bin').map((h) => [h.status, h.range, h.ifRange]),
      [[206, 'bytes=100000-', lastModified]]);
    const url2 = srv.server.route('/lm2.bin', { body: BODY, lastModified });
    const part2 = new DownloadCache(dir).part(url2);
    await writeFile(part2, Buffer.alloc(100_000, 7));
    await writeFile(`${part2}.json`, JSON.stringify({ url: url2, lastModified: 'Thu, 01 Jan 2015 00:00:00 GMT' }));
    const got2 = await download({ url: url2 }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got2.path), BODY, 'the stale prefix was not kept');
    assert.deepEqual(srv.server.hits.filter((h) => h.path === '/lm2.bin').map((h) => h.status), [200]);
  });
});

test('a server that ignores Range gets a full restart, still byte-identical', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/norange.bin', { body: BODY, etag: '"n"', ignoreRange: true, faults: [{ cutAfter: 120_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.deepEqual(srv.server.hits.filter((h) => h.path === '/norange.bin').map((h) => h.status), [200, 200]);
  });
});

test('a restarted program resumes the .part left by the previous one', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/restart.bin', { body: BODY, etag: '"r"', faults: [{ cutAfter: 200_000 }] });
    await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { retries: 0 }), defaultContext()), 'WM_ERR_NETWORK');
    const parts = await readdir(path.join(dir, 'downloads', 'partial'));
    assert.equal(parts.filter((p) => p.endsWith('.part')).length, 1, 'the .part survives the failure');
    const got = await download({ url, sha256: SUM }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    const last = srv.server.hits.filter((h) => h.path === '/restart.bin').at(-1)!;
    assert.equal(last.status, 206);
    assert.match(last.range!, /^bytes=[1-9]\d*-$/);
    assert.ok(Number(/\d+/.exec(last.range!)![0]) <= 200_000);
  });
});

test('a stalled body times out and the download resumes', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/stall.bin', { body: BODY, etag: '"s"', faults: [{ stallAfter: 64_000 }] });
    const got = await download({ url, sha256: SUM }, fast(dir, { bodyTimeout: 150 }), defaultContext());
    assert.deepEqual(await readFile(got.path), BODY);
    assert.equal(srv.server.hits.filter((h) => h.path === '/stall.bin')[1].status, 206);
  });
});


test('two runs on one url: the second waits for the lock and finds the file; a dead holder is taken over', async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/locked.bin', { body: BODY, etag: '"l"', faults: [{ stallAfter: 50_000 }] });
    const [a, b] = await Promise.all([
      download({ url, sha256: SUM }, fast(dir, { bodyTimeout: 200 }), defaultContext()),
      download({ url, sha256: SUM }, fast(dir, { bodyTimeout: 200 }), defaultContext()),
    ]);
    assert.equal(a.sha256, SUM);
    assert.equal(b.path, a.path);
    assert.equal([a, b].filter((r) => r.cached).length, 1, 'one downloaded, the other found it after the lock');
    const other = randomBytes(5000);
    const url2 = srv.server.route('/stale-lock.bin', { body: other });
    const part = new DownloadCache(dir).part(url2);
    const { hostname } = await import('node:os');
    await writeFile(`${part}.lock`, JSON.stringify({ pid: 999999999, hostname: hostname(), time: new Date().toISOString() }));
    const got = await download({ url: url2 }, fast(dir), defaultContext());
    assert.deepEqual(await readFile(got.path), other);
    assert.deepEqual((await readdir(path.dirname(part))).filter((f) => f.endsWith('.lock')), []);
  });
});
