import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { prepare } from '../../src/pipeline/prepare.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';
import { defaultContext } from '../../src/stage.js';
import { assertSameStore, writeClusterCorpus } from '../util/cluster-corpus.js';
import { Proc, redisMissing, TestRedis } from '../util/redis.js';
import { withTmp } from '../util/tmp.js';

const BIN = fileURLToPath(new URL('../util/wordmill-bin.js', import.meta.url));
const skip = redisMissing();
if (skip) process.stdout.write(`${skip}\n`);

/**
 * Small shards (about 8 KB of source each: ~6 shards) and a short stalled-job check keep these fast.
 * The lock is not made shorter than 4 s: on a loaded machine a worker's event loop can miss a 1 s
 * renewal, and BullMQ then counts a live worker's shard as stalled.
 */
const SHARD_MB = String(8192 / 2 ** 20);

function wordmill(args: string[], env: Record<string, string> = {}): Proc {
  return new Proc(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, WORDMILL_TEST_BIN: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

const worker = (redis: TestRedis, home: string, env: Record<string, string> = {}) =>
  wordmill(['worker', '--cluster', redis.url, '-w', '1', '--lock-ms', '4000', '--stalled-ms', '1000'], { WORDMILL_HOME: home, ...env });

const submit = (redis: TestRedis, spec: string, shared: string, more: string[] = []) =>
  wordmill(['prepare', spec, '--cluster', redis.url, '--shared', shared, '--shard-mb', SHARD_MB, '--json', '--no-progress', ...more]);

const lastJson = (p: Proc): Record<string, any> => JSON.parse(p.stdout.trim().split('\n').pop()!);

interface Setup { tmp: string; spec: PipelineSpec; specFile: string; shared: string; home: string; local: string }

/** The corpus as a spec file, and the store a local `prepare` writes for it (the reference). */
async function setup(tmp: string): Promise<Setup> {
  const spec = await writeClusterCorpus(path.join(tmp, 'corpus'));
  const specFile = path.join(tmp, 'spec.json');
  await writeFile(specFile, JSON.stringify({ name: spec.name, source: spec.source, vocab: spec.vocab }));
  const { store } = await prepare(spec, { workers: 1, root: path.join(tmp, 'local') }, defaultContext());
  return { tmp, spec, specFile, shared: path.join(tmp, 'shared'), home: path.join(tmp, 'home'), local: store.dir };
}

/** Runs `fn` with a fresh Redis and stops it, and every process `fn` registers, however `fn` ends. */
async function withCluster(fn: (s: Setup, redis: TestRedis, procs: Proc[]) => Promise<void>, persist = false): Promise<void> {
  await withTmp(async (tmp) => {
    const s = await setup(tmp);
    const redis = await TestRedis.start(persist ? tmp : undefined);
    const procs: Proc[] = [];
    try {
      await fn(s, redis, procs);
    } finally {
      for (const p of procs) p.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.exited));
      await redis.down();
    }
  });
}

const storeDirs = async (shared: string) => (await readdir(path.join(shared, 'stores')).catch(() => [] as string[])).filter((n) => !n.endsWith('.lock'));

test('three workers: the store is the local one, byte for byte; a second submit finds it cached', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const workers = [worker(redis, s.home), worker(redis, s.home), worker(redis, s.home)];
    procs.push(...workers);
    // All three listening before the flow exists, so that the shards are shared out.
    await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));
    const run = submit(redis, s.specFile, s.shared);
    procs.push(run);
    assert.equal(await run.exited, 0, run.stderr);
    const r = lastJson(run);
    for (const key of ['pipeline', 'store', 'cached', 'seconds', 'docs', 'tokens', 'vocabSize']) assert.ok(key in r, `missing ${key}`);
    assert.equal(r.cached, false);
    assert.ok(r.cluster.shards >= 5, `${r.cluster.shards} shards`);
    assert.ok(r.cluster.workers.length >= 2, `shards ran on ${r.cluster.workers.join(', ')}`);
    assert.equal(path.basename(r.store), path.basename(s.local));
    await assertSameStore(s.local, r.store);
    const again = submit(redis, s.specFile, s.shared);
    assert.equal(await again.exited, 0, again.stderr);
    assert.equal(lastJson(again).cached, true);
    assert.equal(lastJson(again).store, r.store);
  });
});

test('a worker SIGKILLed mid-write: another takes the shard over, the half-written object is never read', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const victim = worker(redis, s.home, { WORDMILL_TEST_PAUSE_SHARD_WRITE: '2' });
    procs.push(victim);
    const run = submit(redis, s.specFile, s.shared);
    procs.push(run);
    await victim.waitFor(/shard 3 of \d+ .*paused mid-write/);
    // The log line can come before the write stream has flushed what was yielded before the pause.
    let parts: string[] = [];
    let half = 0;
    for (let i = 0; i < 100 && half <= 12; i++) {
      await new Promise((r) => setTimeout(r, 50));
      parts = await readdir(path.join(s.shared, 'tmp')).catch(() => []);
      half = parts.length ? (await readFile(path.join(s.shared, 'tmp', parts[0]))).length : 0;
    }
    assert.equal(parts.length, 1, 'one half-written object under tmp/');
    assert.ok(half > 12, `${half} bytes written before the pause`);
    procs.push(worker(redis, s.home), worker(redis, s.home), worker(redis, s.home));
    victim.kill('SIGKILL');
    assert.equal(await run.exited, 0, run.stderr);
    const r = lastJson(run);
    const takeover = procs.slice(2).find((p) => /shard 3 of \d+ .*done/.test(p.stderr));
    assert.ok(takeover, 'a surviving worker finished shard 3');
    await assertSameStore(s.local, r.store);
    assert.deepEqual(await readdir(path.join(s.shared, 'tmp')), [], 'the merge removed the dead writer\'s part');
  });
});

test('an unfixable shard fails the flow at once, naming shard, file and code; the fixed resubmit reuses the finished shards', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const reviews = path.join(s.tmp, 'corpus', 'reviews.tar.gz');
    const good = await readFile(reviews);
    // Truncated half way: the gzip stream ends inside a member.
    await writeFile(reviews, good.subarray(0, Math.floor(good.length / 2)));
    const workers = [worker(redis, s.home), worker(redis, s.home), worker(redis, s.home)];
    procs.push(...workers);
    const run = submit(redis, s.specFile, s.shared);
    procs.push(run);
    // From the first failure on a worker to the submitter's exit: no retries, no backoff.
    await Promise.race(workers.map((w) => w.waitFor(/failed: /, 90_000)));
    const failedAt = Date.now();
    const status = await run.exited;
    const seconds = (Date.now() - failedAt) / 1000;
    assert.equal(status, 7, `archive errors exit 7: ${run.stderr}`);
    assert.match(run.stderr, /wordmill: shard \d+ of \d+ \(reviews\.tar\.gz[^)]*\): .*\[WM_ERR_ARCHIVE_CORRUPT\]/);
    assert.ok(seconds < 10, `the flow failed ${seconds} s after the shard did`);
    assert.deepEqual(await storeDirs(s.shared), [], 'no store, not even a temp dir');
    const done = (await readdir(path.join(s.shared, 'shards'))).length;
    assert.ok(done >= 1, 'some shards finished before the failure');
    await writeFile(reviews, good);
    const again = submit(redis, s.specFile, s.shared);
    procs.push(again);
    assert.equal(await again.exited, 0, again.stderr);
    const r = lastJson(again);
    assert.equal(r.cluster.reused, done, `reused ${r.cluster.reused} of the ${done} results already written`);
    await assertSameStore(s.local, r.store);
  });
});

test('Redis restarts mid-run (with its append-only file): workers and submitter reconnect and finish', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const slow = worker(redis, s.home, { WORDMILL_TEST_PAUSE_SHARD_WRITE: '1:2500' });
    procs.push(slow);
    const run = submit(redis, s.specFile, s.shared);
    procs.push(run);
    await slow.waitFor(/paused mid-write/);
    procs.push(worker(redis, s.home), worker(redis, s.home));
    await redis.down();
    await new Promise((r) => setTimeout(r, 500));
    await redis.up();
    assert.equal(await run.exited, 0, run.stderr);
    assert.match(slow.stderr, /reconnect/);
    await assertSameStore(s.local, lastJson(run).store);
  }, true);
});

test('Redis restarted empty (no persistence): the submitter says the flow is gone, exit 12, no store', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const slow = worker(redis, s.home, { WORDMILL_TEST_PAUSE_SHARD_WRITE: '0:2000' });
    procs.push(slow);
    const run = submit(redis, s.specFile, s.shared);
    procs.push(run);
    await slow.waitFor(/paused mid-write/);
    await redis.down();
    await redis.up();
    assert.equal(await run.exited, 12, run.stderr);
    assert.match(run.stderr, /flow \S+ is gone from Redis at redis:\/\/127\.0\.0\.1:\d+ .*resubmit to continue \[WM_ERR_CLUSTER\]/);
    assert.deepEqual(await storeDirs(s.shared), []);
  });
});

test('Redis gone for good: the submitter fails after its timeout with WM_ERR_CLUSTER, never hangs', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    const slow = worker(redis, s.home, { WORDMILL_TEST_PAUSE_SHARD_WRITE: '0' });
    procs.push(slow);
    const run = submit(redis, s.specFile, s.shared, ['--cluster-timeout', '2']);
    procs.push(run);
    await slow.waitFor(/paused mid-write/);
    await redis.down();
    const lostAt = Date.now();
    assert.equal(await run.exited, 12, run.stderr);
    const waited = (Date.now() - lostAt) / 1000;
    assert.ok(waited < 10, `gave up after ${waited} s`);
    assert.match(run.stderr, /lost Redis at redis:\/\/127\.0\.0\.1:\d+ .*\[WM_ERR_CLUSTER\]/);
    assert.deepEqual(await storeDirs(s.shared), []);
  });
});

test('two submitters of one pipeline at once: one flow, one store', { skip, timeout: 120_000 }, async () => {
  await withCluster(async (s, redis, procs) => {
    procs.push(worker(redis, s.home), worker(redis, s.home), worker(redis, s.home));
    const a = submit(redis, s.specFile, s.shared);
    const b = submit(redis, s.specFile, s.shared);
    procs.push(a, b);
    assert.equal(await a.exited, 0, a.stderr);
    assert.equal(await b.exited, 0, b.stderr);
    assert.equal(lastJson(a).store, lastJson(b).store);
    assert.deepEqual(await storeDirs(s.shared), [path.basename(s.local)]);
    const client = new Redis(redis.url);
    try {
      const merges = await client.keys('wordmill:merge:*.*');
      const ids = new Set(merges.map((k) => k.split(':')[2]));
      assert.equal(ids.size, 1, `merge jobs: ${[...ids].join(', ')}`);
    } finally {
      client.disconnect();
    }
    await assertSameStore(s.local, lastJson(a).store);
  });
});
