/**
 * Tokenizer throughput on the shared parity texts (one thread): the spaCy-compatible tokenizer alone on
 * `spacy-en/public.jsonl` texts, and fastai rules + tokenizer on `fastai-rules/public.jsonl` texts.
 * Reports tokens/s and MB/s (UTF-8), best of N runs, with a fresh tokenizer per run ("cold": its chunk
 * cache starts empty) and with one reused tokenizer ("warm", as a pool worker runs), plus peak RSS.
 * Anchor in the same run: `text.split(' ')` over the same texts. The machine is shared, so both wall-clock
 * and this thread's CPU time are reported (best of N each); CPU time is the steadier figure.
 * Usage: `npm run bench -- tokenize [--runs N] [--parity-dir DIR]`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTextProcessor, WhitespaceTokenizer, type TextProcessor } from '../src/text/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const parityDir = path.resolve(arg('--parity-dir', path.join(here, '..', '..', '..', 'shared', 'parity')));
const runs = Number(arg('--runs', '7'));

async function texts(name: string): Promise<string[]> {
  const raw = await readFile(path.join(parityDir, name, 'public.jsonl'), 'utf8');
  return raw.split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
}

function pass(docs: string[], fn: TextProcessor): { tokens: number; seconds: number; cpu: number } {
  let tokens = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const d of docs) tokens += fn(d).length;
  const c = process.cpuUsage(c0);
  return { tokens, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

function report(label: string, docs: string[], make: () => TextProcessor, reuse: boolean): number {
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  let best = Infinity;
  let bestCpu = Infinity;
  let tokens = 0;
  const shared = make();
  for (let r = 0; r < runs; r++) {
    const res = pass(docs, reuse ? shared : make());
    tokens = res.tokens;
    best = Math.min(best, res.seconds);
    bestCpu = Math.min(bestCpu, res.cpu);
  }
  const tps = tokens / bestCpu;
  const f = (x: number): string => x.toFixed(2).padStart(6);
  process.stdout.write(`${label.padEnd(38)} cpu ${f(tps / 1e6)} M tok/s ${f(bytes / 1e6 / bestCpu)} MB/s | wall ${f(tokens / best / 1e6)} M tok/s ${f(bytes / 1e6 / best)} MB/s`
    + `  (${tokens} tokens, ${(bytes / 1e6).toFixed(2)} MB, best of ${runs})\n`);
  return tps;
}

const spacyTexts = await texts('spacy-en');
const fastaiTexts = await texts('fastai-rules');
const ws = new WhitespaceTokenizer();
const anchor = report('anchor: text.split(" ") on spacy-en texts', spacyTexts, () => (t) => ws.tokenize(t), true);
const cold = report('spacy-en tokenizer, cold cache', spacyTexts, () => makeTextProcessor({ rules: 'none', tokenizer: 'spacy-en' }), false);
const warm = report('spacy-en tokenizer, warm cache', spacyTexts, () => makeTextProcessor({ rules: 'none', tokenizer: 'spacy-en' }), true);
const rulesCold = report('fastai rules + spacy-en, cold cache', fastaiTexts, () => makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en' }), false);
const rulesWarm = report('fastai rules + spacy-en, warm cache', fastaiTexts, () => makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en' }), true);
process.stdout.write(`ratios to the anchor (cpu): cold ${(cold / anchor).toFixed(2)}, warm ${(warm / anchor).toFixed(2)}, `
  + `rules cold ${(rulesCold / anchor).toFixed(2)}, rules warm ${(rulesWarm / anchor).toFixed(2)}\n`);
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
