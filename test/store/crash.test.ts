import assert from 'node:assert/strict';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { acquireLock, ensureStore, openStore, storeDir, type StoreWriter } from '../../src/store/index.js';
import { buildVocab } from '../../src/vocab/index.js';

const storeModule = new URL('../../src/store/index.js', import.meta.url).href;
const vocabModule = new URL('../../src/vocab/index.js', import.meta.url).href;

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wm-crash-'));
  dirs.push(d);
  return d;
}

/**
 * A child that builds a store of `docs` documents. It reports 'building' from inside the build, then
 * waits for a 'go' message when `wait` is set; it reports 'finishing' just before writer.finish and
 * finally `{ cached }`. Log lines (lock waits, stale locks) are sent as `{ log }`.
 */
const CHILD = `
import { ensureStore } from ${JSON.stringify(storeModule)};
import { buildVocab } from ${JSON.stringify(vocabModule)};
const [root, fp, docs, wait] = process.argv.slice(2);
let go;
const gate = new Promise((r) => { go = r; });
process.on('message', (m) => { if (m === 'go') go(); });
const r = await ensureStore({ root, fingerprint: fp, inputs: { fp }, log: (log) => process.send({ log }) }, async (w) => {
  process.send('building');
  if (wait === 'wait') await gate;
  const words = Array.from({ length: 500 }, (_, i) => 'w' + i);
  for (let d = 0; d < Number(docs); d++) {
    const toks = Array.from({ length: 200 }, (_, i) => words[(d * 31 + i * 7) % 500]);
    w.appendDoc(d % 10 === 0 ? 'valid' : 'train', w.counter.addTokens(toks));
  }
  process.send('finishing');
  return w.finish(buildVocab(w.counter, { minFreq: 1 }));
});
process.send({ cached: r.cached, tokens: r.store.meta.splits.train.tokens });
process.disconnect();
`;

async function childScript(): Promise<string> {
  const dir = await tmp();
  const path = join(dir, 'child.mjs');
  await writeFile(path, CHILD);
  return path;
}

function start(script: string, args: string[]): { child: ChildProcess; messages: unknown[]; next: (pred: (m: unknown) => boolean) => Promise<unknown>; exit: Promise<number | null> } {
  const child = fork(script, args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: unknown[] = [];
  const waiters: { pred: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  child.on('message', (m) => {
    messages.push(m);
    for (const w of [...waiters]) if (w.pred(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (pred: (m: unknown) => boolean) => {
    const seen = messages.find(pred);
    return seen !== undefined ? Promise.resolve(seen) : new Promise<unknown>((resolve) => waiters.push({ pred, resolve }));
  };
  return { child, messages, next, exit };
}

async function build(w: StoreWriter): Promise<void> {
  w.appendDoc('train', w.counter.addTokens(['a', 'b', 'a', 'c', 'a', 'b']));
  await w.finish(buildVocab(w.counter, { minFreq: 1 }));
}

test('SIGKILL while the spill is being written leaves no store; the next run cleans up and completes', async () => {
  const root = await tmp();
  const script = await childScript();
  const c = start(script, [root, 'fpkill', '2000', 'wait']);
  await c.next((m) => m === 'building');
  c.child.kill('SIGKILL');
  await c.exit;
  const left = await readdir(join(root, 'stores'));
  assert.ok(left.includes('fpkill.lock'), 'the dead writer left its lock');
  assert.ok(left.some((n) => n.startsWith('.tmp-fpkill-')), 'the dead writer left its temp dir');
  assert.ok(!left.includes('fpkill'), 'no store under the final name');
  const logs: string[] = [];
  const r = await ensureStore({ root, fingerprint: 'fpkill', inputs: {}, log: (l) => logs.push(l) }, build);
  assert.equal(r.cached, false);
  assert.ok(logs.some((l) => /removed the store lock fpkill\.lock left by pid \d+/.test(l)), logs.join('\n'));
  assert.deepEqual(await readdir(join(root, 'stores')), ['fpkill']);
});

test('SIGKILL during writer.finish: the final name holds a complete store or nothing, never half of one', async () => {
  const root = await tmp();
  const script = await childScript();
  const c = start(script, [root, 'fpfin', '3000', 'nowait']);
  await c.next((m) => m === 'finishing');
  c.child.kill('SIGKILL');
  await c.exit;
  const left = await readdir(join(root, 'stores'));
  if (left.includes('fpfin')) assert.equal((await openStore(storeDir(root, 'fpfin'), { verify: true })).meta.splits.train.docs, 2700);
  const r = await ensureStore({ root, fingerprint: 'fpfin', inputs: {} }, async (w) => {
    assert.ok(!left.includes('fpfin'), 'a complete store must be reused, not rebuilt');
    await build(w);
  });
  assert.equal((await openStore(storeDir(root, 'fpfin'), { verify: true })).meta.fingerprint, r.store.meta.fingerprint);
  assert.deepEqual(await readdir(join(root, 'stores')), ['fpfin']);
});

test('two runs on one fingerprint: the second waits for the lock, then uses the first run\'s store', async () => {
  const root = await tmp();
  const script = await childScript();
  const first = start(script, [root, 'fpboth', '50', 'wait']);
  await first.next((m) => m === 'building');
  const second = start(script, [root, 'fpboth', '50', 'nowait']);
  await second.next((m) => typeof m === 'object' && m !== null && /waiting for pid/.test(String((m as { log?: string }).log)));
  first.child.send('go');
  const a = await first.next((m) => typeof m === 'object' && m !== null && 'cached' in m);
  const b = await second.next((m) => typeof m === 'object' && m !== null && 'cached' in m);
  await Promise.all([first.exit, second.exit]);
  assert.deepEqual(a, { cached: false, tokens: 45 * 200 });
  assert.deepEqual(b, { cached: true, tokens: 45 * 200 });
  assert.ok(!second.messages.includes('building'), 'the second run never built');
  assert.deepEqual(await readdir(join(root, 'stores')), ['fpboth']);
});

test('a live lock holder makes a waiter fail clearly after its timeout; a dead one is broken', async () => {
  const root = await tmp();
  const path = join(root, 'x.lock');
  const held = await acquireLock(path);
  await assert.rejects(acquireLock(path, { timeoutMs: 200, pollMs: 20 }), { code: 'WM_ERR_STORE', message: new RegExp(`locked by pid ${process.pid}`) });
  await held.release();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  await writeFile(path, JSON.stringify({ pid: Number(dead), hostname: hostname(), time: new Date().toISOString() }));
  const stale: number[] = [];
  const lock = await acquireLock(path, { timeoutMs: 1000, onStale: (o) => stale.push(o.pid) });
  assert.deepEqual(stale, [Number(dead)]);
  await lock.release();
  assert.deepEqual(await readdir(root), []);
});
