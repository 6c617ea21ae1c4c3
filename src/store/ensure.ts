import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../disk/write.js';
import { isWordmillError, WordmillError } from '../errors.js';
import { storeDir, storesDir } from './fingerprint.js';
import { acquireLock, breakDeadLock, deadLockOwner, type LockOptions } from '../lock.js';
import { openStore, type TokenStore } from './reader.js';
import { StoreWriter, tempFingerprint, tempPrefix, type StoreWriterOptions } from './writer.js';
import { under } from '../paths.js';

export interface EnsureStoreOptions extends StoreWriterOptions {
  verify?: boolean;
  lock?: Omit<LockOptions, 'onWait' | 'onStale'>;
  /** One line per event worth telling the user (invalid store rebuilt, waiting for a lock, stale lock). */
  log?: (line: string) => void;
}

/**
 * The store at `<root>/stores/<fingerprint>` if it exists and checks out, else undefined. An invalid
 * store is reported through `log` and left for the next writer to replace — never returned.
 */
export async function findStore(root: string, fp: string, options: { verify?: boolean; log?: (line: string) => void } = {}): Promise<TokenStore | undefined> {
  try {
    return await openStore(storeDir(root, fp), { verify: options.verify });
  } catch (e) {
    if (isWordmillError(e) && e.code === 'WM_ERR_STORE') {
      if (await exists(storeDir(root, fp))) options.log?.(`${e.message}; rebuilding it`);
      return undefined;
    }
    throw e;
  }
}

async function exists(dir: string): Promise<boolean> {
  try {
    await readdir(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the cached store for this fingerprint, or builds it with `build` (which streams the corpus
 * into the writer and calls `writer.finish`). Two runs with the same fingerprint serialise on a lock:
 * the second waits, then finds the first one's store. Leftover temp dirs of crashed runs are removed
 * once the lock is held (nobody else can be writing them then).
 */
export async function ensureStore(options: EnsureStoreOptions, build: (writer: StoreWriter) => Promise<TokenStore | void>): Promise<{ store: TokenStore; cached: boolean }> {
  const { root, fingerprint: fp, log } = options;
  await reclaimDeadWriters(root, log, options.lock?.foreignStaleMs);
  const found = await findStore(root, fp, { verify: options.verify, log });
  if (found) return { store: found, cached: true };
  await ensureDir(storesDir(root), 'cannot create the store cache');
  const lock = await acquireLock(under(storesDir(root), `${fp}.lock`), {
    ...options.lock,
    onWait: (o) => log?.(`waiting for pid ${o.pid} on ${o.hostname}, which is writing the same token store`),
    onStale: (o) => log?.(`removing stale store lock of pid ${o.pid} on ${o.hostname} (${o.time})`),
  });
  let writer: StoreWriter | undefined;
  try {
    const again = await findStore(root, fp, { verify: options.verify });
    if (again) return { store: again, cached: true };
    await cleanTemps(root, fp);
    writer = await StoreWriter.create(options);
    const result = await build(writer);
    if (!result && !writer.finished) {
      throw new WordmillError('WM_ERR_STORE', 'the store builder returned without calling writer.finish()', { path: writer.tempDir });
    }
    return { store: result ?? (await openStore(storeDir(root, fp), { verify: false })), cached: false };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    await lock.release();
  }
}

/** Once this run holds the store's lock, every temp dir of that fingerprint is a leftover. */
async function cleanTemps(root: string, fp: string): Promise<void> {
  const dir = storesDir(root);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(tempPrefix(fp))).map((n) => rm(join(dir, n), { recursive: true, force: true })));
}

/**
 * Removes what killed writers of ANY store left behind: their locks (owner dead, see lock.ts) and
 * their temp dirs. A temp dir `.tmp-<fp>-…` belongs to whoever holds `<fp>.lock` (a writer takes the
 * lock before it creates its temp dir and removes the dir before it releases the lock), so one whose
 * lock is absent or dead is garbage; one whose lock is live is left alone.
 */
export async function reclaimDeadWriters(root: string, log?: (line: string) => void, foreignStaleMs?: number): Promise<void> {
  const dir = storesDir(root);
  const names = await readdir(dir).catch(() => [] as string[]);
  const live = new Set<string>();
  for (const n of names.filter((x) => x.endsWith('.lock'))) {
    const fp = n.slice(0, -'.lock'.length);
    const owner = await breakDeadLock(join(dir, n), foreignStaleMs);
    if (owner === false) {
      if (!(await deadLockOwner(join(dir, n), foreignStaleMs))) live.add(fp);
      continue;
    }
    log?.(`removed the store lock ${n} left by ${owner ? `pid ${owner.pid} on ${owner.hostname} (${owner.time}), which is gone` : 'a writer that died creating it'}`);
  }
  for (const n of names.filter((x) => x.startsWith('.tmp-'))) {
    const fp = tempFingerprint(n);
    if (!fp || live.has(fp)) continue;
    const path = join(dir, n);
    const bytes = await du(path);
    await rm(path, { recursive: true, force: true });
    log?.(`removed ${(bytes / 1e6).toFixed(1)} MB of an unfinished store (${n}) left by a killed run`);
  }
}

async function du(path: string): Promise<number> {
  let total = 0;
  const entries = await readdir(path, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0);
  }
  return total;
}
