import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteFile } from '../pipeline/spec.js';
import { check } from '../schema/index.js';
import { DownloadCache, readJson, writeJsonAtomic } from './cache.js';
import { isHexDigest } from './digests.js';
import { remoteFileSchema } from './options.js';
import { expectedDigests } from './digest.js';
import { diskError } from '../disk/errors.js';
import type { ResolvedFile } from './types.js';

interface UrlRecord { url: string; sha256: string; size: number; verified: string[] }

export function nameOf(url: string): string {
  try {
    return decodeURIComponent(path.posix.basename(new URL(url).pathname)) || 'index';
  } catch {
    return path.basename(url);
  }
}

/**
 * A verified file for this source already in the cache, without re-hashing it: blobs are
 * content-addressed and only ever renamed into place after verification.
 */
export async function lookup(cache: DownloadCache, url: string, file: RemoteFile): Promise<ResolvedFile | undefined> {
  const hit = (sha256: string, size: number): ResolvedFile =>
    ({ url, path: cache.blob(sha256), sha256, size, cached: true, name: nameOf(url) });
  // The spec schema refuses these at load time; a library caller's RemoteFile is checked here, before
  // any field becomes a path.
  check(remoteFileSchema, file, `source file ${file.url}`, 'WM_ERR_SPEC');
  if (file.sha256) {
    const size = await cache.blobSize(file.sha256.toLowerCase());
    if (size !== undefined && (file.size === undefined || size === file.size)) return hit(file.sha256.toLowerCase(), size);
  }
  const rec = await readJson<UrlRecord>(cache.record(url));
  // A record that does not name a digest (edited or damaged) is no record: the file is fetched again.
  if (!rec || rec.url !== url || !isHexDigest('sha256', rec.sha256) || !Array.isArray(rec.verified)) return undefined;
  const wanted = expectedDigests(file).map((e) => e.label);
  if (!wanted.every((w) => rec.verified.includes(w))) return undefined;
  if (file.size !== undefined && file.size !== rec.size) return undefined;
  const size = await cache.blobSize(rec.sha256);
  return size === rec.size ? hit(rec.sha256, size) : undefined;
}

/** Moves a verified `.part` to its content-addressed name and records what the url resolved to. */
export async function commit(cache: DownloadCache, url: string, part: string, sha256: string, size: number,
  verified: string[]): Promise<ResolvedFile> {
  const blob = cache.blob(sha256);
  try {
    await rename(part, blob);
    await rm(`${part}.json`, { force: true });
  } catch (e) {
    throw diskError(e, blob, 'cannot move the verified download into the cache');
  }
  await writeJsonAtomic(cache.record(url), { url, sha256, size, verified } satisfies UrlRecord);
  return { url, path: blob, sha256, size, cached: false, name: nameOf(url) };
}
