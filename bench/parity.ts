/**
 * Parity of wordmill's text stage with spaCy 3.5.4 and fastai 2.7.12 on the shared reference sets:
 * runs the tokenizer alone over `spacy-en/public.jsonl` and the fastai processor over
 * `fastai-rules/public.jsonl`, writes candidate JSONL to a temp dir and scores each with
 * `python3 parity_score.py REF CAND`. Usage: `npm run bench -- parity [--parity-dir DIR] [--top N]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTextProcessor, type TextProcessor } from '../src/text/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const parityDir = path.resolve(arg('--parity-dir', path.join(here, '..', '..', '..', 'shared', 'parity')));
const top = arg('--top', '15');

async function candidate(ref: string, out: string, processor: TextProcessor): Promise<{ docs: number; tokens: number; seconds: number }> {
  const lines = (await readFile(ref, 'utf8')).split('\n').filter((l) => l.trim());
  const rows: string[] = [];
  let tokens = 0;
  const t0 = process.hrtime.bigint();
  for (const line of lines) {
    const doc = JSON.parse(line) as { id: string; text: string };
    const toks = processor(doc.text);
    tokens += toks.length;
    rows.push(JSON.stringify({ id: doc.id, tokens: toks }));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await writeFile(out, rows.join('\n') + '\n');
  return { docs: lines.length, tokens, seconds };
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'wordmill-parity-'));
try {
  const sets: Array<[string, TextProcessor]> = [
    ['spacy-en', makeTextProcessor({ rules: 'none', tokenizer: 'spacy-en' })],
    ['fastai-rules', makeTextProcessor({ rules: 'fastai', tokenizer: 'spacy-en' })],
  ];
  for (const [name, processor] of sets) {
    const ref = path.join(parityDir, name, 'public.jsonl');
    const cand = path.join(tmp, `${name}.jsonl`);
    const { docs, tokens, seconds } = await candidate(ref, cand, processor);
    process.stdout.write(`\n=== ${name}: ${docs} docs, ${tokens} tokens in ${seconds.toFixed(2)} s (first pass, cold cache)\n`);
    process.stdout.write(execFileSync('python3', [path.join(parityDir, 'parity_score.py'), ref, cand, '--top', top], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
