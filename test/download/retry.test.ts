import assert from 'node:assert/strict';
import { test } from 'node:test';
import { download } from '../../src/download/index.js';
import { RetryPolicy } from '../../src/download/retry.js';
import { defaultContext } from '../../src/stage.js';
import { BODY, fast, SUM, useServer } from '../util/download-fixture.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';

const srv = useServer();
/** Before the one retry policy, each of these was fetched forever: a bound turns a hang into a failure. */
const bounded = { timeout: 20_000 };
const hitsOf = (p: string) => srv.server.hits.filter((h) => h.path === p).length;

/**
 * A cut can reach the client in parts (under load it reads less before the socket dies), which is real
 * progress: so the attempts are at least 1 + retries, at most a few more, and the message counts them.
 */
function assertStalled(message: string, hits: number, retries: number): void {
  const m = new RegExp(`after (\\d+) attempts, ${retries} retries without new bytes \\(retries ${retries}\\)`).exec(message);
  assert.ok(m, message);
  assert.equal(Number(m[1]), hits, 'the message counts the requests made');
  assert.ok(hits >= 1 + retries && hits <= 1 + retries + 8, `${hits} attempts`);
}

test('a server that always cuts at the same offset (Range supported) stops after `retries` retries', bounded, async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/cut-at.bin', { body: BODY, etag: '"c"', cutAt: 120_000 });
    const e = await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { retries: 3 }), defaultContext()), 'WM_ERR_NETWORK');
    assert.match(e.message, /cut-at\.bin/);
    assertStalled(e.message, hitsOf('/cut-at.bin'), 3);
  });
});

test('a cut with no Range support re-reads the same prefix: no progress, bounded', bounded, async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/cut-norange.bin', { body: BODY, etag: '"n"', ignoreRange: true, cutAt: 150_000 });
    const e = await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { retries: 2 }), defaultContext()), 'WM_ERR_NETWORK');
    assertStalled(e.message, hitsOf('/cut-norange.bin'), 2);
  });
});

test('a Content-Length larger than the body, every time, is bounded (with and without validators)', bounded, async () => {
  await withTmp(async (dir) => {
    const a = srv.server.route('/short-etag.bin', { body: BODY, etag: '"s"', declareExtra: 1000 });
    const e = await rejectsWithCode(download({ url: a }, fast(dir, { retries: 2 }), defaultContext()), 'WM_ERR_NETWORK');
    assertStalled(e.message, hitsOf('/short-etag.bin'), 2);
    const b = srv.server.route('/short-plain.bin', { body: BODY, declareExtra: 1 });
    const e2 = await rejectsWithCode(download({ url: b }, fast(dir, { retries: 2 }), defaultContext()), 'WM_ERR_NETWORK');
    assertStalled(e2.message, hitsOf('/short-plain.bin'), 2);
  });
});

test('cuts that move on are progress, but total attempts are bounded by maxAttempts', bounded, async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/cut-each.bin', { body: BODY, etag: '"e"', cutEach: 10_000 });
    const e = await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { maxAttempts: 5 }), defaultContext()), 'WM_ERR_NETWORK');
    assert.match(e.message, /after 5 attempts \(maxAttempts 5\)/);
    assert.equal(hitsOf('/cut-each.bin'), 5);
    // The same server finishes when the bound allows it: progress is still rewarded.
    const got = await download({ url, sha256: SUM }, fast(dir, { maxAttempts: 40 }), defaultContext());
    assert.equal(got.size, BODY.length);
  });
});

test('cuts that move on are bounded by maxRetryTime', bounded, async () => {
  await withTmp(async (dir) => {
    const url = srv.server.route('/cut-slow.bin', { body: BODY, etag: '"t"', cutEach: 5_000 });
    const t0 = Date.now();
    const e = await rejectsWithCode(download({ url, sha256: SUM }, fast(dir, { maxRetryTime: 300 }), defaultContext()), 'WM_ERR_NETWORK');
    assert.match(e.message, /maxRetryTime 300 ms/);
    assert.ok(hitsOf('/cut-slow.bin') < 10, `${hitsOf('/cut-slow.bin')} attempts`);
    assert.ok(Date.now() - t0 < 5000);
  });
});

test('a redirect loop is a permanent error: no retry', bounded, async () => {
  await withTmp(async (dir) => {
    srv.server.route('/loop-b', { redirect: '/loop-a' });
    const url = srv.server.route('/loop-a', { redirect: '/loop-b' });
    const e = await rejectsWithCode(download({ url }, fast(dir), defaultContext()), 'WM_ERR_HTTP');
    assert.match(e.message, /redirect loop: .*\/loop-a -> .*\/loop-b -> .*\/loop-a/);
    assert.equal(hitsOf('/loop-a') + hitsOf('/loop-b'), 2);
    srv.server.route('/self', { redirect: '/self' });
    await rejectsWithCode(download({ url: srv.server.url('/self') }, fast(dir), defaultContext()), 'WM_ERR_HTTP');
    assert.equal(hitsOf('/self'), 1);
  });
});

test('redirects to file:, ftp: or data: are refused at once, naming both urls', bounded, async () => {
  await withTmp(async (dir) => {
    for (const [p, to] of [['/to-file', 'file:///etc/passwd'], ['/to-ftp', 'ftp://127.0.0.1/x.tgz'], ['/to-data', 'data:,hello']] as const) {
      const url = srv.server.route(p, { redirect: to });
      const e = await rejectsWithCode(download({ url }, fast(dir), defaultContext()), 'WM_ERR_HTTP');
      assert.ok(e.message.includes(url) && e.message.includes(to.split(',')[0]), e.message);
      assert.match(e.message, /only http: and https: redirects are followed/);
      assert.equal(hitsOf(p), 1, `${p} asked once`);
    }
  });
});

test('more than maxRedirections hops is a permanent error; up to it they are followed', bounded, async () => {
  await withTmp(async (dir) => {
    srv.server.route('/hop3', { body: BODY });
    srv.server.route('/hop2', { redirect: '/hop3' });
    srv.server.route('/hop1', { redirect: '/hop2' });
    const url = srv.server.route('/hop0', { redirect: '/hop1' });
    const e = await rejectsWithCode(download({ url }, fast(dir, { maxRedirections: 2 }), defaultContext()), 'WM_ERR_HTTP');
    assert.match(e.message, /more than 2 redirects \(maxRedirections\)/);
    assert.equal(hitsOf('/hop0'), 1);
    const got = await download({ url, sha256: SUM }, fast(dir, { maxRedirections: 3 }), defaultContext());
    assert.equal(got.size, BODY.length);
  });
});

test('RetryPolicy: progress refills the no-progress budget; delays grow with jitter; every bound stops', () => {
  let now = 0;
  const bounds = { retries: 2, maxAttempts: 6, maxRetryTime: 1e9, minDelay: 100, maxDelay: 1000 };
  const p = new RetryPolicy(bounds, () => now);
  const d = (r: ReturnType<RetryPolicy['failed']>) => ('delay' in r ? r.delay : assert.fail(`stopped: ${(r as { stop: string }).stop}`));
  const first = d(p.failed(0));
  assert.ok(first >= 50 && first <= 100, `first delay ${first} in [min/2, min]`);
  const second = d(p.failed(0));
  assert.ok(second >= 100 && second <= 200, `second delay ${second} doubled`);
  assert.ok('stop' in p.failed(0), 'a third failure without progress exceeds retries 2');
  const q = new RetryPolicy(bounds, () => now);
  for (let i = 1; i <= 5; i++) assert.ok('delay' in q.failed(i * 10), 'each attempt got further');
  assert.match((q.failed(60) as { stop: string }).stop, /6 attempts \(maxAttempts 6\)/);
  const r = new RetryPolicy({ ...bounds, maxRetryTime: 500 }, () => now);
  d(r.failed(10));
  now = 450;
  assert.match((r.failed(20) as { stop: string }).stop, /maxRetryTime 500 ms/);
  const s = new RetryPolicy(bounds, () => now);
  assert.equal(d(s.failed(0, 5000)), 1000, 'Retry-After is honoured, capped at maxDelay');
});
