/**
 * Download throughput from a loopback server, against `curl -o` of the same file in the same run.
 * `npm run bench -- download [MiB=512] [repeats=5] [dir=os.tmpdir()]`. The server runs in a child
 * process so it does not share a thread with the client being measured. Two more probes run in the
 * same rounds to show where the time goes: `curl | tee | openssl dgst -sha256` (curl with the verification we
 * do) and undici's body read and dropped (the floor of the mandated HTTP client: no file, no hash).
 * Each probe's CPU time (client, its child processes, and the server) is read from /proc, and
 * sha256 and the file writes are timed alone, so the CPU budget in BENCHMARKS.md is reproducible.
 */
import { execFileSync, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
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
  const root = process.argv[4] ?? os.tmpdir();
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(mib)]);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const url = `http://127.0.0.1:${port}/corpus.bin`;
  const dir = await mkdtemp(path.join(root, 'wordmill-bench-dl-'));
  const bytes = mib * 2 ** 20;
  const agent = new Agent();
  const probes: Record<string, (out: string) => Promise<void>> = {
    wordmill: async (out) => {
      const got = await download({ url, size: bytes }, { cacheDir: out, noProxy: '*' }, defaultContext());
      if (got.size !== bytes) throw new Error('short download');
    },
    curl: async (out) => {
      execFileSync('curl', ['-s', '--noproxy', '*', '-o', out, url]);
      if ((await stat(out)).size !== bytes) throw new Error('curl got a short file');
    },
    curlSha256: async (out) => {
      execFileSync('bash', ['-o', 'pipefail', '-c', `curl -s --noproxy '*' "$1" | tee "$2" | openssl dgst -sha256 >/dev/null`, '_', url, out]);
    },
    undiciDrop: async () => {
      const res = await request(url, { dispatcher: agent, highWaterMark: 1 << 20 });
      let n = 0;
      for await (const chunk of res.body) n += (chunk as Buffer).length;
      if (n !== bytes) throw new Error('short body');
    },
  };
  // Linux /proc: utime, stime, cutime, cstime are the 12th-15th fields after the command name.
  const tick = Number(execFileSync('getconf', ['CLK_TCK']).toString());
  const procCpu = (pid: number | 'self') => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').map(Number);
    return { own: (f[11] + f[12]) / tick, children: (f[13] + f[14]) / tick };
  };
  const cpuNow = () => {
    const me = procCpu('self');
    return { client: me.own + me.children, server: procCpu(child.pid!).own };
  };
  const best: Record<string, number> = {};
  const all: Record<string, number[]> = {};
  const cpu: Record<string, { client: number[]; server: number[] }> = {};
  try {
    for (let r = 0; r < repeats; r++) {
      // Rotate the order so no probe always meets a warmer page cache or a quieter moment.
      const names = Object.keys(probes);
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length];
        const out = path.join(dir, `${name}-${r}`);
        const c0 = cpuNow();
        const t = process.hrtime.bigint();
        await probes[name](out);
        const s = Number(process.hrtime.bigint() - t) / 1e9;
        const c1 = cpuNow();
        cpu[name] ??= { client: [], server: [] };
        cpu[name].client.push(c1.client - c0.client);
        cpu[name].server.push(c1.server - c0.server);
        (all[name] ??= []).push(s);
        best[name] = Math.min(best[name] ?? Infinity, s);
        await rm(out, { recursive: true, force: true });
        // Settle the page cache's write-back (and the disk's discard of the removed file) now, so
        // the next probe does not pay for this one's writes.
        execFileSync('sync');
      }
    }
    // The two costs no arrangement of threads removes, each alone on one thread.
    const block = Buffer.alloc(4 << 20, 7);
    for (let r = 0; r < repeats; r++) {
      let t = process.cpuUsage();
      const h = createHash('sha256');
      for (let done = 0; done < bytes; done += block.length) h.update(block);
      h.digest();
      (cpu.sha256 ??= { client: [], server: [] }).client.push(seconds(process.cpuUsage(t)));
      const file = path.join(dir, `write-${r}`);
      t = process.cpuUsage();
      const fd = openSync(file, 'w');
      for (let done = 0; done < bytes; done += block.length) writeSync(fd, block);
      closeSync(fd);
      (cpu.write ??= { client: [], server: [] }).client.push(seconds(process.cpuUsage(t)));
      await rm(file);
      execFileSync('sync');
    }
  } finally {
    child.disconnect();
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const row = (name: string) => ({
    best: +best[name].toFixed(3), median: +median(all[name]).toFixed(3),
    MiBps: +(mib / best[name]).toFixed(1), ratioToCurl: +(best.curl / best[name]).toFixed(3),
    cpuMedian: { client: +median(cpu[name].client).toFixed(2), server: +median(cpu[name].server).toFixed(2) },
  });
  console.log(JSON.stringify({
    bench: 'download', mib, repeats, dir: root,
    wordmill: { ...row('wordmill'), note: 'download(): stream to .part + sha256 + rename' },
    curl: row('curl'),
    curlSha256: { ...row('curlSha256'), note: 'curl | tee file | openssl dgst -sha256 (SHA-NI, as Node)' },
    undiciDrop: { ...row('undiciDrop'), note: 'undici request, body read and dropped' },
    cpuAloneMedian: { sha256: +median(cpu.sha256.client).toFixed(2), write: +median(cpu.write.client).toFixed(2) },
    ratio: +(best.curl / best.wordmill).toFixed(3),
    ratioVerified: +(best.curlSha256 / best.wordmill).toFixed(3),
  }, null, 1));
}

function seconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
