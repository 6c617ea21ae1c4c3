import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { DownloadCache, readJson, writeJsonAtomic } from './cache.js';
import { sha256File } from './digest.js';
import { under } from '../paths.js';

interface Known { size: number; mtimeMs: number; ino: number; sha256: string }
interface Manifest { dir: string; files: Record<string, Known> }

/** Files up to this size are hashed from one read: a stream per small file costs more than the hash. */
const SMALL = 8 << 20;

/**
 * sha256 of every file under a directory, remembered in one manifest per directory under
 * `<root>/digests/` and keyed by (size, mtime, inode). Measured on 4,000 files of 12 KB: a record
 * per file cost 7.9 s cold and 1.4 s warm (a JSON file written and read per corpus file); with one
 * manifest a warm run is a stat per file and a cold one is bounded by hashing. Unchanged files are
 * not re-read; an unwritable cache only costs speed.
 */
export async function directoryDigests(root: string, dir: string, rels: string[]): Promise<Map<string, { sha256: string; size: number }>> {
  const file = under(root, 'digests', `${DownloadCache.key(dir)}.dir.json`);
  const manifest = await readJson<Manifest>(file);
  const known = manifest?.dir === dir ? manifest.files : {};
  const next: Record<string, Known> = {};
  let changed = Object.keys(known).length !== rels.length;
  // Synchronous stats, a slice at a time: 36,500 promise-based stats took 0.9 s through the thread
  // pool, synchronous ones a fifth of that; yielding between slices keeps progress bars alive.
  const stale: Array<{ rel: string; st: Stats }> = [];
  for (let i = 0; i < rels.length; i += 2048) {
    for (const rel of rels.slice(i, i + 2048)) {
      const st = statSync(path.join(dir, rel));
      const k = known[rel];
      if (k && k.size === st.size && k.mtimeMs === st.mtimeMs && k.ino === st.ino) next[rel] = k;
      else stale.push({ rel, st });
    }
    await setImmediate();
  }
  const limit = pLimit(8);
  await Promise.all(stale.map(({ rel, st }) => limit(async () => {
    const abs = path.join(dir, rel);
    const sha256 = st.size <= SMALL ? createHash('sha256').update(await readFile(abs)).digest('hex') : (await sha256File(abs)).sha256;
    next[rel] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
    changed = true;
  })));
  if (changed) {
    await mkdir(path.dirname(file), { recursive: true }).then(() => writeJsonAtomic(file, { dir, files: next })).catch(() => undefined);
  }
  return new Map(rels.map((rel) => [rel, { sha256: next[rel].sha256, size: next[rel].size }]));
}
