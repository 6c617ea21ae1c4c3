/**
 * Download throughput from a loopback server, against `curl -o` of the same file in the same run.
 * `npm run bench -- download [MiB=512] [repeats=5]`. The server runs in a child process so it does
 * not share a thread with the client being measured.
 */
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { download } from '../src/download/index.js';
import { defaultContext } from '../src/stage.js';

if (process.argv[2] === '--serve') {
  const body = randomBytes(Number(process.argv[3]) * 2 ** 20);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': body.length, etag: '"bench"' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
  process.on('disconnect', () => process.exit(0));
} else {
  const mib = Number(process.argv[2] ?? 512);
  const repeats = Number(process.argv[3] ?? 5);
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(mib)]);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const url = `http://127.0.0.1:${port}/corpus.bin`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wordmill-bench-dl-'));
  const bytes = mib * 2 ** 20;
  const best = { ours: Infinity, curl: Infinity };
  try {
    const runCurl = async (r: number) => {
      const out = path.join(dir, `curl-${r}`);
      const t = process.hrtime.bigint();
      execFileSync('curl', ['-s', '--noproxy', '*', '-o', out, url]);
      best.curl = Math.min(best.curl, Number(process.hrtime.bigint() - t) / 1e9);
      if ((await stat(out)).size !== bytes) throw new Error('curl got a short file');
      await rm(out);
    };
    const runOurs = async (r: number) => {
      const cacheDir = path.join(dir, `cache-${r}`);
      const t = process.hrtime.bigint();
      const got = await download({ url, size: bytes }, { cacheDir, noProxy: '*' }, defaultContext());
      best.ours = Math.min(best.ours, Number(process.hrtime.bigint() - t) / 1e9);
      if (got.size !== bytes) throw new Error('short download');
      await rm(cacheDir, { recursive: true });
    };
    // Alternate which goes first, so neither always meets a warmer page cache or a quieter minute.
    for (let r = 0; r < repeats; r++) {
      if (r % 2 === 0) {
        await runCurl(r);
        await runOurs(r);
      } else {
        await runOurs(r);
        await runCurl(r);
      }
    }
  } finally {
    child.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
  const mbs = (s: number) => bytes / 2 ** 20 / s;
  console.log(JSON.stringify({
    bench: 'download', mib, repeats,
    wordmill: { seconds: +best.ours.toFixed(3), MiBps: +mbs(best.ours).toFixed(1), note: 'stream to .part + sha256 + rename' },
    curl: { seconds: +best.curl.toFixed(3), MiBps: +mbs(best.curl).toFixed(1) },
    ratio: +(best.curl / best.ours).toFixed(3),
  }, null, 1));
}
