import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { ensureDir, writeFileAtomic } from '../disk/write.js';
import { WordmillError } from '../errors.js';
import { under } from '../paths.js';
import { isHexDigest } from './digests.js';

export { cacheRoot } from '../cache.js';

/**
 * Download cache layout under `<root>/downloads/`:
 *  - `sha256/<hex>`: verified files, content-addressed (two urls with the same bytes share one file);
 *  - `urls/<key>.json`: what a url last resolved to, so integrity-only or unchecksummed sources
 *    can be found offline;
 *  - `partial/<key>.part` + `.part.json`: an unfinished download and the validator to resume it.
 */
export class DownloadCache {
  readonly dir: string;
  constructor(root: string) {
    this.dir = under(root, 'downloads');
  }
  static key(url: string): string {
    return createHash('sha256').update(url).digest('hex').slice(0, 32);
  }
  /** A blob's path; only a sha256 digest names one, so no field or record can point elsewhere. */
  blob(sha256: string): string {
    if (!isHexDigest('sha256', sha256)) {
      throw new WordmillError('WM_ERR_SPEC', `${JSON.stringify(sha256)} is not a sha256 digest (64 hex digits)`, { actual: String(sha256) });
    }
    return under(this.dir, 'sha256', sha256.toLowerCase());
  }
  record(url: string): string {
    return under(this.dir, 'urls', `${DownloadCache.key(url)}.json`);
  }
  part(url: string): string {
    return under(this.dir, 'partial', `${DownloadCache.key(url)}.part`);
  }
  async prepare(): Promise<void> {
    for (const sub of ['sha256', 'urls', 'partial']) {
      await ensureDir(under(this.dir, sub), 'cannot create the download cache');
    }
  }
  /** Size of a verified blob, or undefined when absent. */
  async blobSize(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.blob(sha256))).size;
    } catch {
      return undefined;
    }
  }
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Temp file + rename, so a crash never leaves a half-written record. */
export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(data), 'cannot write to the cache');
}
