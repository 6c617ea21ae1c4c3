/**
 * The pool's start-up and throughput on a subword spec, without training: the train split and
 * sentencepiece's model that a `bench/subword.js --out DIR` run left in DIR, through tokenizeDocs
 * with one worker (ids out), a fresh pool per run. Prints per run the time to the first chunk
 * (worker start, module import, model read, tokenizer build and a JIT-cold first 256 KB) and in
 * all, and the module import, model read and tokenizer build of a fresh process's first load.
 *
 *   node dist/bench/subword-pool.js DIR [--runs 3]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Doc } from '../src/types.js';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) throw new Error('usage: subword-pool.js DIR [--runs N] (DIR: a bench/subword.js --out directory)');
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const model = path.join(dir, 'sp.model');

// A fresh process's first load of the subword modules, its model and tokenizer (JIT-cold, as in a worker).
const t0 = performance.now();
const { loadModelFile } = await import('../src/text/subword/load.js');
const { SubwordTokenizer } = await import('../src/text/subword/tokenizer.js');
const t1 = performance.now();
const m = loadModelFile(model);
const t2 = performance.now();
new SubwordTokenizer(m);
const t3 = performance.now();
process.stdout.write(`load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}; first load: subword modules ${(t1 - t0).toFixed(1)} ms, model read ${(t2 - t1).toFixed(1)} ms, tokenizer ${(t3 - t2).toFixed(1)} ms\n`);

// The pool's modules only now: they import the whole text stage, the subword modules among them.
const { tokenizeDocs } = await import('../src/pool/pool.js');
const { defaultContext } = await import('../src/stage.js');
const train = readFileSync(path.join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
const bytes = train.reduce((n, t) => n + Buffer.byteLength(t), 0);
const text = { rules: 'none', tokenizer: 'subword', subword: { model } } as const;
const ctx = defaultContext();
for (let r = 0; r < runs; r++) {
  async function* docs(): AsyncGenerator<Doc> { for (let i = 0; i < train.length; i++) yield { id: String(i), split: 'train', text: train[i] }; }
  const w0 = performance.now();
  let first = 0;
  let chunks = 0;
  for await (const _ of tokenizeDocs(docs(), { text, workers: 1 }, ctx)) if (chunks++ === 0) first = performance.now() - w0;
  const wall = performance.now() - w0;
  process.stdout.write(`pool run ${r}: first chunk ${first.toFixed(0)} ms, all ${chunks} chunks ${wall.toFixed(0)} ms, ${(bytes / 1e3 / wall).toFixed(2)} MB/s (${(bytes / 1e6).toFixed(2)} MB)\n`);
}
