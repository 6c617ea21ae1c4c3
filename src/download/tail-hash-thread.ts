/**
 * Worker side of TailHash: hashes a growing file from byte 0 as the main thread reports how much is
 * on disk (shared counter), then posts the digests. Reads come from the page cache.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { file, algos, shared } = workerData as { file: string; algos: string[]; shared: SharedArrayBuffer };
const state = new BigInt64Array(shared); // [0] bytes on disk, [1] 0 running / 1 complete / 2 abandoned
const hashes = algos.map((a) => [a, createHash(a)] as const);
const buf = Buffer.allocUnsafe(4 << 20);
const fd = openSync(file, 'r');
let pos = 0;
for (;;) {
  const seen = Atomics.load(state, 0);
  const phase = Atomics.load(state, 1);
  if (phase === 2n) break;
  const avail = Number(seen);
  while (pos < avail) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, avail - pos), pos);
    if (n === 0) break;
    for (const [, h] of hashes) h.update(buf.subarray(0, n));
    pos += n;
  }
  if (phase === 1n && pos >= Number(Atomics.load(state, 0))) break;
  Atomics.wait(state, 0, seen, 100);
}
closeSync(fd);
parentPort!.postMessage({ size: pos, digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest()])) });
