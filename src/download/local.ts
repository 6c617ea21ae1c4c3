import type { Stats } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WordmillError } from '../errors.js';
import type { RemoteFile } from '../pipeline/spec.js';
import { cacheRoot, DownloadCache, readJson, writeJsonAtomic } from './cache.js';
import { expectedDigests, MultiHash, sha256File } from './digest.js';
import type { FetchConfig } from './options.js';
import { directoryDigests } from './manifest.js';
import type { ResolvedFile } from './types.js';
import { under } from '../paths.js';

export const isRemote = (url: string): boolean => /^(https?|npm):/i.test(url);

export function localPath(url: string): string {
  return path.resolve(url.startsWith('file:') ? fileURLToPath(url) : url);
}

interface DigestRecord { path: string; size: number; mtimeMs: number; ino: number; sha256: string }

/**
 * sha256 of a local file, cached by (path, size, mtime, inode) under `<root>/digests/` because
 * hashing a 500 MB corpus every run would cost about a second; an unwritable cache only costs speed.
 */
async function localDigest(file: string, st: Stats, cfg: FetchConfig): Promise<{ sha256: string; size: number }> {
  const dir = under(cfg.cacheDir ?? cacheRoot(), 'digests');
  const rec = under(dir, `${DownloadCache.key(file)}.json`);
  const known = await readJson<DigestRecord>(rec);
  if (known && known.path === file && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) {
    return { sha256: known.sha256, size: known.size };
  }
  const d = await sha256File(file);
  await mkdir(dir, { recursive: true })
    .then(() => writeJsonAtomic(rec, { path: file, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: d.sha256 }))
    .catch(() => undefined);
  return d;
}

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** A local file (verified against any digest the spec gives) or every file under a directory, sorted. */
export async function resolveLocal(file: RemoteFile, cfg: FetchConfig): Promise<ResolvedFile[]> {
  const p = localPath(file.url);
  let st;
  try {
    st = await stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new WordmillError('WM_ERR_ACCESS', `cannot read ${p}`, { path: p });
    throw new WordmillError('WM_ERR_NOT_FOUND', `no such file or directory: ${p}`, { path: p, url: file.url });
  }
  if (st.isDirectory()) {
    const rels = await walk(p);
    const digests = await directoryDigests(cfg.cacheDir ?? cacheRoot(), p, rels);
    return rels.map((rel) => {
      const abs = path.join(p, rel);
      return { url: pathToFileURL(abs).href, path: abs, ...digests.get(rel)!, cached: true, name: rel, directory: pathToFileURL(p).href };
    });
  }
  const expected = expectedDigests(file);
  let sha256: string;
  let size: number;
  if (expected.length > 0) {
    const h = new MultiHash(expected);
    await h.updateFromFile(p, st.size);
    ({ sha256 } = await h.verify(file.url, file.size));
    size = h.size;
  } else {
    ({ sha256, size } = await localDigest(p, st, cfg));
    if (file.size !== undefined && file.size !== size) {
      throw new WordmillError('WM_ERR_CHECKSUM', `size mismatch for ${file.url}: expected ${file.size} bytes, got ${size}`,
        { url: file.url, path: p, expected: String(file.size), actual: String(size) });
    }
  }
  return [{ url: pathToFileURL(p).href, path: p, sha256, size, cached: true, name: path.basename(p) }];
}
