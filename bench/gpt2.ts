/**
 * GPT-2 tokenizer parity and throughput against tiktoken (its Rust core through Python, the `gpt2`
 * Encoding built from the ranks js-tiktoken ships) on every document of the shared parity texts.
 * Parity: ids identical per document. Throughput: one thread each, CPU time, best of N; wordmill
 * "cold" encodes with a fresh encoder (empty piece cache) per run, "warm" reuses one (as a pool worker does).
 * Usage: `npm run bench -- gpt2 [--runs N] [--python PY] [--parity-dir DIR]`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tiktoken } from 'js-tiktoken/lite';
import jsRanks from 'js-tiktoken/ranks/gpt2';
import { BytePairEncoder } from '../src/text/gpt2/bpe.js';
import { gpt2Ranks } from '../src/text/gpt2/ranks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, '..', '..', 'bench');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const parityDir = path.resolve(arg('--parity-dir', path.join(here, '..', '..', '..', 'shared', 'parity')));
const runs = Number(arg('--runs', '5'));
const python = arg('--python', '/work/venv-i13/bin/python');
const files = ['spacy-en', 'fastai-rules'].map((n) => path.join(parityDir, n, 'public.jsonl'));
const docs = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text));
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);

/** One pass; a fresh encoder (built before the clock starts) has empty piece and pair caches. */
function ours(reuse: BytePairEncoder | undefined): { cpu: number; ids: number[][] } {
  const bpe = reuse ?? new BytePairEncoder(gpt2Ranks());
  const c0 = process.cpuUsage();
  const ids = docs.map((d) => bpe.encodeOrdinary(d));
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, ids };
}

process.stdout.write(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${docs.length} docs, ${(bytes / 1e6).toFixed(2)} MB\n`);
const warmTok = new BytePairEncoder(gpt2Ranks());
ours(warmTok);
const js = new Tiktoken(jsRanks);
let jsCpu = Infinity;
let jsSame = 0;
let cold = Infinity;
let warm = Infinity;
let theirs = Infinity;
let ref: number[][] = [];
let mine: number[][] = [];
// Alternate the two sides so a burst of load on the shared machine hits both.
for (let r = 0; r < runs; r++) {
  const py = JSON.parse(execFileSync(python, [path.join(src, 'gpt2_tiktoken.py'), '1', ...files], { cwd: src, maxBuffer: 1 << 30 }).toString()) as { ids: number[][]; cpu: number };
  ref = py.ids;
  theirs = Math.min(theirs, py.cpu);
  const c = ours(undefined);
  mine = c.ids;
  cold = Math.min(cold, c.cpu);
  warm = Math.min(warm, ours(warmTok).cpu);
  const j0 = process.cpuUsage();
  const jsIds = docs.map((d) => js.encode(d, [], []));
  const j = process.cpuUsage(j0);
  jsCpu = Math.min(jsCpu, (j.user + j.system) / 1e6);
  jsSame = jsIds.filter((ids, i) => JSON.stringify(ids) === JSON.stringify(ref[i])).length;
}
let same = 0;
for (let i = 0; i < docs.length; i++) if (JSON.stringify(ref[i]) === JSON.stringify(mine[i])) same++;
const tokens = ref.reduce((n, d) => n + d.length, 0);
const line = (label: string, cpu: number): string => `${label.padEnd(34)} ${(bytes / 1e6 / cpu).toFixed(2).padStart(7)} MB/s ${(tokens / cpu / 1e6).toFixed(2).padStart(6)} M tok/s  ${(theirs / cpu).toFixed(2)}x tiktoken\n`;
process.stdout.write(`parity: ${same}/${docs.length} documents identical (${(100 * same / docs.length).toFixed(2)} %), ${tokens} tokens\n`);
process.stdout.write(line('tiktoken encode_ordinary (python)', theirs));
process.stdout.write(line('wordmill gpt2, cold piece cache', cold));
process.stdout.write(line('wordmill gpt2, warm piece cache', warm));
process.stdout.write(line(`js-tiktoken 1.0.21 (${jsSame}/${docs.length} identical)`, jsCpu));
process.stdout.write(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')} (best CPU time of ${runs}, one thread each)\n`);
