/**
 * `npm run bench -- bigdoc [MB…]`: peak RSS of `wordmill prepare` on one huge document, which must not
 * grow with the document (issue 10 item 7). Writes, for each size, a single-line file (`line`) and a
 * file of ordinary 80-character lines read as one `docs: "file"` document (`text`), varied English-like
 * words so the tokenizer's chunk cache does not make it trivial, then runs the CLI on it with the
 * default text pipeline (fastai rules + spaCy-style tokenizer) in a fresh cache. Prints wall time,
 * tokens and peak RSS as reported by `prepare --json` (the whole process, worker threads included).
 * Default: `line` 200 and `text` 600 (the cases). Needs ~2× the largest size in free disk.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/wordmill.js', import.meta.url));
const args = process.argv.slice(2);
const plan: [string, number][] = args.length
  ? args.map((a) => { const [kind, mb] = a.split(':'); return [kind, Number(mb)] as [string, number]; })
  : [['line', 200], ['text', 600]];
const work = path.join(os.tmpdir(), 'wordmill-bench-bigdoc');

/** Zipf-ish words from a fixed seed: 20,000 made-up words, a few capitalised or all caps. */
function wordSource(): () => string {
  let s = 42;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const syll = ['ka', 'lo', 'mi', 'tor', 'an', 'the', 're', 'sun', 'ex', 'ple', 'qu', 'is', 'ed', 'ing', 'or', 'al'];
  const words = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => syll[Math.floor(rnd() * syll.length)]).join(''));
  return () => {
    let w = words[Math.floor(rnd() ** 3 * words.length)];
    const r = rnd();
    if (r < 0.08) w = w[0].toUpperCase() + w.slice(1);
    else if (r < 0.09) w = w.toUpperCase();
    else if (r < 0.15) w += rnd() < 0.5 ? ',' : '.';
    return w;
  };
}

async function write(file: string, mb: number, kind: string): Promise<void> {
  const out = createWriteStream(file);
  const next = wordSource();
  const target = mb * 1e6;
  let written = 0;
  let col = 0;
  while (written < target) {
    let block = '';
    while (block.length < 1 << 20) {
      const w = next();
      if (kind === 'text' && col + w.length > 80) {
        block += '\n';
        col = 0;
      } else if (block.length || written) {
        block += ' ';
        col++;
      }
      block += w;
      col += w.length;
    }
    written += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end('\n');
  await once(out, 'close');
}

const rows: string[] = [];
for (const [kind, mb] of plan) {
  await rm(work, { recursive: true, force: true });
  const file = path.join(work, `${kind}-${mb}mb.txt`);
  await import('node:fs/promises').then((fs) => fs.mkdir(work, { recursive: true }));
  await write(file, mb, kind);
  const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'prepare', file, '--json', '--no-progress', '--set', `name=bigdoc-${kind}`],
    { env: { ...process.env, WORDMILL_HOME: path.join(work, 'home') }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    rows.push(`| ${kind} | ${mb} MB | failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()} | | | | ${load} |`);
  } else {
    const json = JSON.parse(r.stdout.trim().split('\n').pop()!) as { docs: number; tokens: Record<string, number>; peakRssMB: number };
    const tokens = Object.values(json.tokens).reduce((a, b) => a + b, 0);
    rows.push(`| ${kind} | ${mb} MB | ${json.docs} | ${(tokens / 1e6).toFixed(1)}M | ${wall.toFixed(1)} s | ${json.peakRssMB} MB | ${load} |`);
  }
  console.log(rows.at(-1));
  await rm(work, { recursive: true, force: true });
}
console.log('\n| file | size | docs | tokens | prepare wall | peak RSS | load (1/5/15 min) at start |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) console.log(r);
