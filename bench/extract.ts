/**
 * Extraction of a >= 200 MB .tar.gz to documents in memory, against `tar -xzf` to a tmpfs in the same
 * run, and peak RSS. `npm run bench -- extract [MB=220] [repeats=3]`. The archive (synthetic
 * English-like text: seeded sentences over a 5,000-word Zipf vocabulary, 64 KB files) is built once
 * into bench/out/. Ours runs in a fresh child process so its peak RSS is its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { readDocuments } from '../src/extract/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function words(n: number, rand: () => number): string[] {
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vi', 'do', 'pe', 'an', 'er', 'in', 'or', 'th', 'st'];
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join(''));
}

async function build(file: string, mb: number): Promise<void> {
  const rand = rng(42);
  const vocab = words(5000, rand);
  const pick = () => vocab[Math.floor(vocab.length * rand() ** 3)];
  const pack = tar.pack();
  const gz = createGzip({ level: 6 });
  const done = new Promise<void>((resolve, reject) => pack.pipe(gz).pipe(createWriteStream(file)).on('finish', resolve).on('error', reject));
  let total = 0;
  for (let i = 0; total < mb * 1e6; i++) {
    let text = '';
    while (text.length < 64_000) {
      const n = 5 + Math.floor(rand() * 20);
      const s = Array.from({ length: n }, pick).join(' ');
      text += `${s[0].toUpperCase()}${s.slice(1)} , ${pick()} .${rand() < 0.2 ? '\n\n' : ' '}`;
    }
    const body = Buffer.from(text);
    total += body.length;
    await new Promise<void>((resolve, reject) => pack.entry({ name: `corpus/${String(i).padStart(5, '0')}.txt`, size: body.length }, body, (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  await done;
}

async function child(file: string): Promise<void> {
  const t = process.hrtime.bigint();
  const size = (await stat(file)).size;
  const reader = readDocuments([{ url: file, path: file, sha256: '', size, cached: true, name: path.basename(file) }],
    [{ glob: 'corpus/*.txt', split: 'train', docs: 'file' }]);
  let chars = 0;
  for await (const d of reader) chars += d.text.length;
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, bytes: reader.stats.bytes, docs: reader.stats.docs, chars, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  const mb = Number(process.argv[2] ?? 220);
  const repeats = Number(process.argv[3] ?? 3);
  const out = path.join(here, '..', '..', 'bench', 'out');
  await mkdir(out, { recursive: true });
  const archive = path.join(out, `extract-${mb}MB.tar.gz`);
  if (!existsSync(archive)) await build(archive, mb);
  const best = { ours: Infinity, tar: Infinity, rss: Infinity };
  let bytes = 0;
  let docs = 0;
  for (let r = 0; r < repeats; r++) {
    const shm = await mkdtemp('/dev/shm/wordmill-bench-');
    let t = process.hrtime.bigint();
    execFileSync('tar', ['-xzf', archive, '-C', shm]);
    best.tar = Math.min(best.tar, Number(process.hrtime.bigint() - t) / 1e9);
    await rm(shm, { recursive: true });
    t = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', archive], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    const got = JSON.parse(res.stdout) as { seconds: number; bytes: number; docs: number; maxRssMB: number };
    best.ours = Math.min(best.ours, got.seconds);
    best.rss = Math.min(best.rss, got.maxRssMB);
    bytes = got.bytes;
    docs = got.docs;
  }
  const mbs = (s: number) => bytes / 1e6 / s;
  console.log(JSON.stringify({
    bench: 'extract', archive: path.basename(archive), archiveMB: +((await stat(archive)).size / 1e6).toFixed(1), expandedMB: +(bytes / 1e6).toFixed(1), docs, repeats,
    wordmill: { seconds: +best.ours.toFixed(3), MBps: +mbs(best.ours).toFixed(1), peakRssMB: +best.rss.toFixed(0) },
    tarXzfToShm: { seconds: +best.tar.toFixed(3), MBps: +mbs(best.tar).toFixed(1) },
    ratio: +(best.tar / best.ours).toFixed(3),
  }, null, 1));
}
