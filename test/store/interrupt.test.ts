/**
 * What a killed or interrupted prepare leaves, with a real child process and real signals: a SIGINT
 * at the store's finish step exits 130 with the complete store or nothing; what a SIGKILLed writer
 * left (temp dir, lock) is reclaimed by the next prepare of ANY store, and a live writer's is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStore, openStore, type StoreWriter } from '../../src/store/index.js';
import { buildVocab } from '../../src/vocab/index.js';
import { withTmp } from '../util/tmp.js';

const BIN = fileURLToPath(new URL('../../../bin/wordmill.js', import.meta.url));

interface Child { child: ChildProcess; stderr: () => string; paused: Promise<void>; exit: Promise<number | null> }

/** `wordmill prepare` (human-numbers) under `home`, paused at `point` (see src/pause.ts). */
function prepareAt(home: string, point: string, extra: string[] = []): Child {
  const child = spawn(process.execPath, [BIN, 'prepare', '--no-progress', ...extra], {
    env: { ...process.env, WORDMILL_HOME: home, WORDMILL_TEST_PAUSE: point, WORDMILL_TEST_PAUSE_MS: '20000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  let onPause: () => void;
  const paused = new Promise<void>((resolve) => { onPause = resolve; });
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
    if (err.includes(`wordmill-test: paused at ${point}`)) onPause();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => { onPause(); resolve(code); }));
  return { child, stderr: () => err, paused, exit };
}

const stores = (home: string) => readdir(join(home, 'stores')).then((n) => n.sort());

async function build(w: StoreWriter): Promise<void> {
  w.appendDoc('train', w.counter.addTokens(['a', 'b', 'a']));
  await w.finish(buildVocab(w.counter, { minFreq: 1 }));
}

test('SIGINT during the store\'s finish step: exit 130 and nothing is left (no store, temp dir or lock)', { timeout: 60_000 }, async () => {
  await withTmp(async (home) => {
    const c = prepareAt(home, 'store-finish');
    await c.paused;
    assert.ok((await stores(home)).some((n) => n.startsWith('.tmp-')), 'paused inside the finish step');
    c.child.kill('SIGINT');
    assert.equal(await c.exit, 130, c.stderr());
    assert.match(c.stderr(), /SIGINT: stopping/);
    assert.match(c.stderr(), /^wordmill: interrupted while writing the token store .*nothing was kept \[WM_ERR_ABORTED\]$/m);
    assert.deepEqual(await stores(home), []);
  });
});

test('SIGINT just after the store is renamed into place: exit 130, and the store is complete and reused', { timeout: 60_000 }, async () => {
  await withTmp(async (home) => {
    const c = prepareAt(home, 'store-published');
    await c.paused;
    c.child.kill('SIGINT');
    assert.equal(await c.exit, 130, c.stderr());
    assert.match(c.stderr(), /^wordmill: interrupted by SIGINT after its last step had completed.*\[WM_ERR_ABORTED\]$/m);
    const left = await stores(home);
    assert.equal(left.length, 1, String(left));
    const store = await openStore(join(home, 'stores', left[0]), { verify: true });
    assert.equal(store.meta.splits.train.docs, 1);
    const again = prepareAt(home, 'none', ['--json']);
    assert.equal(await again.exit, 0, again.stderr());
    assert.match(again.stderr(), /\(cached\)/);
  });
});

test('a SIGKILLed writer\'s temp dir and lock are reclaimed by the next prepare of another store; a live writer\'s are not', { timeout: 90_000 }, async () => {
  await withTmp(async (home) => {
    const root = home;
    const live = prepareAt(home, 'store-finish');
    await live.paused;
    const held = await stores(home);
    const fp = held.find((n) => n.endsWith('.lock'))!.slice(0, -5);
    assert.ok(held.some((n) => n.startsWith(`.tmp-${fp}-`)));
    // Another store while the writer is alive: its temp dir and lock stay.
    await ensureStore({ root, fingerprint: 'other1', inputs: {} }, build);
    assert.deepEqual(await stores(home), [...held, 'other1'].sort());
    live.child.kill('SIGKILL');
    await live.exit;
    // And after it is killed: the next prepare of a different store reclaims them.
    const logs: string[] = [];
    await ensureStore({ root, fingerprint: 'other2', inputs: {}, log: (l) => logs.push(l) }, build);
    assert.deepEqual(await stores(home), ['other1', 'other2']);
    assert.ok(logs.some((l) => new RegExp(`removed the store lock ${fp}\\.lock left by pid \\d+ on ${hostname()}`).test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /removed [\d.]+ MB of an unfinished store \(\.tmp-/.test(l)), logs.join('\n'));
    // A cached hit is a prepare too: leftovers are reclaimed even when nothing is built.
    await writeFile(join(home, 'stores', 'dead.lock'), JSON.stringify({ pid: 2 ** 22 + 7, hostname: hostname(), time: new Date().toISOString() }));
    await ensureStore({ root, fingerprint: 'other2', inputs: {} }, build);
    assert.deepEqual(await stores(home), ['other1', 'other2']);
  });
});

test('a lock from another host is live until it is a day old: its temp dir is left alone', async () => {
  await withTmp(async (root) => {
    await ensureStore({ root, fingerprint: 'a', inputs: {} }, build);
    const dir = join(root, 'stores');
    await writeFile(join(dir, 'far.lock'), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', time: new Date().toISOString() }));
    await (await import('node:fs/promises')).mkdir(join(dir, '.tmp-far-abc123'));
    await ensureStore({ root, fingerprint: 'b', inputs: {} }, build);
    assert.deepEqual((await readdir(dir)).sort(), ['.tmp-far-abc123', 'a', 'b', 'far.lock']);
    await writeFile(join(dir, 'far.lock'), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', time: new Date(Date.now() - 2 * 86_400_000).toISOString() }));
    await ensureStore({ root, fingerprint: 'b', inputs: {} }, build);
    assert.deepEqual((await readdir(dir)).sort(), ['a', 'b']);
  });
});
