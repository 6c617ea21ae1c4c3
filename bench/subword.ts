/**
 * Subword (SentencePiece-compatible) training and encoding against sentencepiece 0.2, on a catalog
 * corpus's text after its rules (default Brown: its train split trains, its valid split is held out).
 *
 *   node dist/bench/subword.js [--pipeline brown] [--vocab 8000] [--type unigram|bpe]
 *        [--python /work/venv-i13/bin/python] [--threads 2] [--wm-threads N] [--reps 10] [--out DIR]
 *
 * 1. Training: wordmill's trainer and `spm.SentencePieceTrainer` with the same options (fastai's
 *    special tokens as user-defined symbols, unk after them, coverage 0.99999, identity
 *    normalization, no bos/eos/pad, hard_vocab_limit false), each timed for CPU and wall;
 *    sentencepiece with `--threads` threads, wordmill with `--wm-threads` (default the same).
 *    Reports the overlap of the two piece sets and each model's encoded length of the valid split.
 * 2. Encoding parity: sentencepiece's model encodes every valid document in Python and here; the
 *    share of documents with identical ids, and the one-thread throughput of both: wordmill cold (a
 *    fresh tokenizer, empty word cache) and warm (the same tokenizer again, as a pool worker is past
 *    its first MBs), `encode(text)` → ids, CPU time, best of `--reps` on both sides (the valid split
 *    encodes in tens of ms: on a shared machine best of 3 scattered by ±30 %).
 * 3. Through the pool, as `prepare` tokenizes: the train split's documents into tokenizeDocs with one
 *    worker (ids out: the worker numbers the model's ids, the main thread merges them), wall time
 *    from the first document in to the last chunk out, the worker's start and model load included,
 *    best of 3; against sentencepiece's one-thread encode of the same documents. The pool's tokens
 *    are checked against sentencepiece's ids of the same documents, document by document.
 * Machine load is printed at the start and end (the machine is shared).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocuments } from '../src/extract/index.js';
import { fetchSource } from '../src/download/index.js';
import { loadPipeline } from '../src/pipeline/load.js';
import { tokenizeDocs, type TokenChunk } from '../src/pool/pool.js';
import { defaultContext } from '../src/stage.js';
import type { Doc } from '../src/types.js';
import { makeTextCleaner, SPECIAL_TOKENS } from '../src/text/index.js';
import { readModel, writeModel } from '../src/text/subword/model-file.js';
import { SubwordTokenizer } from '../src/text/subword/tokenizer.js';
import { trainSubword } from '../src/text/subword/train/train.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : def; };
const here = path.dirname(fileURLToPath(import.meta.url));
const python = opt('--python', '/work/venv-i13/bin/python');
const vocab = Number(opt('--vocab', '8000'));
const type = opt('--type', 'unigram') as 'unigram' | 'bpe';
const spThreads = opt('--threads', '2');
const wmThreads = Number(opt('--wm-threads', spThreads));
const reps = Number(opt('--reps', '10'));
const out = opt('--out', mkdtempSync(path.join(os.tmpdir(), 'wm-subword-')));
mkdirSync(out, { recursive: true });
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const spec = await loadPipeline(opt('--pipeline', 'brown'));
if (spec.source.kind !== 'files') throw new Error('a files pipeline is needed');
const ctx = defaultContext();
const files = await fetchSource(spec.source.files, {}, ctx);
const { clean } = makeTextCleaner(spec.text);
const docs: Record<string, string[]> = {};
for await (const d of readDocuments(files, spec.source.members, {}, ctx)) (docs[d.split] ??= []).push(clean(d.text));
const train = docs[spec.splits.train];
const valid = docs[spec.splits.valid ?? 'valid'];
process.stdout.write(`load ${load()}; ${train.length} train / ${valid.length} valid documents, ${type}, vocab ${vocab}\n`);
// fastai writes one document per line of its training file; sentencepiece reads lines.
const trainFile = path.join(out, 'train.txt');
writeFileSync(trainFile, train.map((t) => `${t}\n`).join(''));
writeFileSync(path.join(out, 'valid.jsonl'), valid.map((text, i) => `${JSON.stringify({ id: i, text })}\n`).join(''));
writeFileSync(path.join(out, 'train.jsonl'), train.map((text, i) => `${JSON.stringify({ id: i, text })}\n`).join(''));
const userDefined = SPECIAL_TOKENS.map((t) => `\u2581${t}`);

const c0 = process.cpuUsage();
const w0 = performance.now();
const ours = await trainSubword(readFileSync(trainFile, 'utf8').split('\n'), { type, vocabSize: vocab, characterCoverage: 0.99999, userDefined, unkId: userDefined.length, threads: wmThreads });
const oursCpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6;
const oursWall = (performance.now() - w0) / 1000;
writeFileSync(path.join(out, 'wordmill.model'), writeModel(ours));

const py = JSON.parse(execFileSync(python, [path.join(here, '..', '..', 'bench', 'subword_sp.py'), out, String(vocab), type, spThreads, String(reps)], { maxBuffer: 1 << 30 }).toString()) as {
  train_cpu: number; train_wall: number; encode_cpu: number; train_encode_cpu: number; valid_ids: number[][]; valid_pieces_own: number; valid_pieces_ours_model: number; ours_model_ids: number[][];
};
const spModel = readModel(readFileSync(path.join(out, 'sp.model')));
const normal = (m: typeof ours): Set<string> => new Set(m.pieces.filter((p) => p.type === 1).map((p) => p.piece));
const a = normal(ours);
const b = normal(spModel);
let common = 0;
for (const p of a) if (b.has(p)) common++;
const oursTok = new SubwordTokenizer(ours);
const validLen = valid.reduce((n, t) => n + oursTok.encode(t).length, 0);
process.stdout.write(`training: wordmill ${oursCpu.toFixed(1)} s CPU (${oursWall.toFixed(1)} s wall, ${type === 'unigram' ? wmThreads : 1} thread(s)); sentencepiece ${py.train_cpu.toFixed(1)} s CPU (${py.train_wall.toFixed(1)} s wall, ${spThreads} thread(s)): wall ratio ${(py.train_wall / oursWall).toFixed(2)}x\n`);
process.stdout.write(`pieces: ${a.size} wordmill, ${b.size} sentencepiece, ${common} shared: overlap ${(100 * common / Math.max(a.size, b.size)).toFixed(2)} %\n`);
process.stdout.write(`valid split encoded: wordmill model ${validLen} pieces, sentencepiece model ${py.valid_pieces_own} pieces: ${(100 * (validLen / py.valid_pieces_own - 1)).toFixed(2)} %\n`);
// sentencepiece loads our model: its encoding of the valid split with it must be ours.
let sameOurs = 0;
valid.forEach((t, i) => { if (JSON.stringify(oursTok.encode(t)) === JSON.stringify(py.ours_model_ids[i])) sameOurs++; });
process.stdout.write(`wordmill's model in sentencepiece: ${sameOurs}/${valid.length} valid documents encode identically\n`);

const spTok = new SubwordTokenizer(spModel);
let same = 0;
let best = Infinity;
let bestWall = Infinity;
for (let r = 0; r < reps; r++) {
  const t = new SubwordTokenizer(spModel);
  const e0 = process.cpuUsage();
  const w = performance.now();
  for (const d of valid) t.encode(d);
  const e = process.cpuUsage(e0);
  bestWall = Math.min(bestWall, (performance.now() - w) / 1000);
  best = Math.min(best, (e.user + e.system) / 1e6);
}
// A pool worker keeps its tokenizer for the whole corpus: its word cache is warm after the first MBs.
let warm = Infinity;
let warmWall = Infinity;
for (const d of valid) spTok.encode(d);
for (let r = 0; r < reps; r++) {
  const e0 = process.cpuUsage();
  const w = performance.now();
  for (const d of valid) spTok.encode(d);
  const e = process.cpuUsage(e0);
  warmWall = Math.min(warmWall, (performance.now() - w) / 1000);
  warm = Math.min(warm, (e.user + e.system) / 1e6);
}
valid.forEach((t, i) => { if (JSON.stringify(spTok.encode(t)) === JSON.stringify(py.valid_ids[i])) same++; });
const bytes = valid.reduce((n, t) => n + Buffer.byteLength(t), 0);
process.stdout.write(`encoding parity (sentencepiece's model): ${same}/${valid.length} documents identical (${(100 * same / valid.length).toFixed(2)} %)\n`);
process.stdout.write(`encode, one thread: wordmill ${(bytes / 1e6 / best).toFixed(2)} MB/s (cold word cache), ${(bytes / 1e6 / warm).toFixed(2)} MB/s (warm), sentencepiece ${(bytes / 1e6 / py.encode_cpu).toFixed(2)} MB/s: ${(py.encode_cpu / best).toFixed(2)}x cold, ${(py.encode_cpu / warm).toFixed(2)}x warm (process CPU time, GC helper threads included; by wall time wordmill ${(bytes / 1e6 / bestWall).toFixed(2)} / ${(bytes / 1e6 / warmWall).toFixed(2)} MB/s)\n`);

const text = { rules: 'none', tokenizer: 'subword', subword: { model: path.join(out, 'sp.model') } } as const;
const trainBytes = train.reduce((n, t) => n + Buffer.byteLength(t), 0);
let poolWall = Infinity;
let poolSteady = 0;
let poolSame = 0;
const trainChars = train.reduce((n, t) => n + t.length, 0);
for (let r = 0; r < 3; r++) {
  async function* docsOf(): AsyncGenerator<Doc> { for (let i = 0; i < train.length; i++) yield { id: String(i), split: 'train', text: train[i] }; }
  const w0 = performance.now();
  const chunks: TokenChunk[] = [];
  let firstAt = 0;
  for await (const c of tokenizeDocs(docsOf(), { text, workers: 1 }, ctx)) {
    if (chunks.length === 0) firstAt = performance.now();
    chunks.push(c);
  }
  const wall = (performance.now() - w0) / 1000;
  poolWall = Math.min(poolWall, wall);
  // Past the first chunk (worker start, model load, a JIT-cold first chunk): the pool's running rate.
  poolSteady = Math.max(poolSteady, (trainBytes * (1 - chunks[0].chars / trainChars)) / 1e6 / (wall - (firstAt - w0) / 1000));
  if (r > 0) continue;
  const spTrainIds = JSON.parse(readFileSync(path.join(out, 'sp_train_ids.json'), 'utf8')) as number[][];
  let d = 0;
  for (const c of chunks) {
    let off = 0;
    for (const n of c.lengths) {
      const toks = Array.from(c.ids.subarray(off, off + n), (id) => c.tokens[id]);
      // sentencepiece's own ids for the document, as vocabulary texts (the pool's tokens are those texts).
      if (JSON.stringify(toks) === JSON.stringify(spTrainIds[d++].map((id) => spTok.vocab[id]))) poolSame++;
      off += n;
    }
  }
}
process.stdout.write(`pool, 1 worker, ids out (train split, ${(trainBytes / 1e6).toFixed(2)} MB, wall incl. worker start): wordmill ${(trainBytes / 1e6 / poolWall).toFixed(2)} MB/s, sentencepiece one thread ${(trainBytes / 1e6 / py.train_encode_cpu).toFixed(2)} MB/s: ${(py.train_encode_cpu / poolWall).toFixed(2)}x; past the first chunk ${poolSteady.toFixed(2)} MB/s (${(poolSteady * py.train_encode_cpu / (trainBytes / 1e6)).toFixed(2)}x); pool tokens = sentencepiece's for ${poolSame}/${train.length} documents\n`);
process.stdout.write(`load ${load()}; files in ${out}\n`);
