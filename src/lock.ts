import { closeSync, openSync, unlinkSync } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { diskError } from './disk/errors.js';
import { writeAllSync } from './disk/write.js';
import { WordmillError } from './errors.js';

export interface LockOptions {
  /** What the lock guards, for messages (default 'token store'). */
  what?: string;
  /** Give up waiting after this long (default 10 minutes: a large prepare holds the lock for minutes). */
  timeoutMs?: number;
  pollMs?: number;
  /** A lock from another host cannot be checked for a live pid; it is stale after this age (default 24 h). */
  foreignStaleMs?: number;
  /** Called once when the lock is found held, with who holds it. */
  onWait?: (holder: LockOwner) => void;
  /** Called when a stale lock is broken. */
  onStale?: (holder: LockOwner) => void;
  signal?: AbortSignal;
}

export interface LockOwner { pid: number; hostname: string; time: string }

export interface Lock { path: string; release(): Promise<void> }

const held = new Set<string>();
// A lock left by this process would block the next run until the stale check; drop it on any exit.
process.once('exit', () => { for (const p of held) { try { unlinkSync(p); } catch { /* gone */ } } });

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(path: string, owner: LockOwner | undefined, foreignStaleMs: number): Promise<boolean> {
  if (!owner) {
    // Unreadable: a writer died between creating and filling the file, or is filling it right now.
    try {
      return Date.now() - (await stat(path)).mtimeMs > 5000;
    } catch {
      return false;
    }
  }
  if (owner.hostname === hostname()) return !pidAlive(owner.pid);
  return Date.now() - Date.parse(owner.time) > foreignStaleMs;
}

/**
 * The owner of the lock at `path` if that owner is gone (a dead pid on this host, a lock from another
 * host older than `foreignStaleMs`, or a file left unreadable for 5 s); undefined while it is live
 * or absent. `owner` is null for an unreadable lock.
 */
export async function deadLockOwner(path: string, foreignStaleMs = 86_400_000): Promise<{ owner: LockOwner | null } | undefined> {
  const owner = await readOwner(path);
  if (!owner) {
    try { await stat(path); } catch { return undefined; }
  }
  return (await isStale(path, owner, foreignStaleMs)) ? { owner: owner ?? null } : undefined;
}

/**
 * Breaks the lock at `path` if its owner is gone, re-reading it just before the unlink so that a
 * lock another process has taken over since is left alone. True when it was removed.
 */
export async function breakDeadLock(path: string, foreignStaleMs?: number): Promise<LockOwner | null | false> {
  const dead = await deadLockOwner(path, foreignStaleMs);
  if (!dead) return false;
  const now = await readOwner(path);
  if (dead.owner && (!now || now.pid !== dead.owner.pid || now.time !== dead.owner.time)) return false;
  await unlink(path).catch(() => undefined);
  return dead.owner;
}

/**
 * An exclusive lock file created with O_EXCL holding `{pid, hostname, time}`. A lock whose pid is dead
 * (same host) is stale and broken; otherwise the caller waits, polling, until the timeout. Used for
 * token stores and for download `.part` files (two runs appending to one `.part` would corrupt it).
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<Lock> {
  const { timeoutMs = 600_000, pollMs = 100, foreignStaleMs = 86_400_000, what = 'token store' } = options;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeAllSync(fd, Buffer.from(JSON.stringify({ pid: process.pid, hostname: hostname(), time: new Date().toISOString() })), path, 'cannot write lock file');
        closeSync(fd);
      } catch (e) {
        // An empty lock file would block every other run for the stale delay: take it back.
        try { closeSync(fd); } catch { /* closed */ }
        try { unlinkSync(path); } catch { /* gone */ }
        throw e;
      }
      held.add(path);
      return {
        path,
        async release() {
          held.delete(path);
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        const mapped = diskError(e, path, 'cannot create lock file');
        throw mapped instanceof WordmillError ? mapped
          : new WordmillError('WM_ERR_DISK', `cannot create lock file ${path}: ${(e as Error).message}`, { path }, { cause: e });
      }
    }
    const owner = await readOwner(path);
    if (await isStale(path, owner, foreignStaleMs)) {
      if (owner) options.onStale?.(owner);
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (!told && owner) {
      options.onWait?.(owner);
      told = true;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} on ${owner.hostname} since ${owner.time}` : 'another process';
      throw new WordmillError('WM_ERR_STORE', `${what} is locked by ${who}; gave up after ${Math.round(timeoutMs / 1000)} s (delete ${path} if that run is gone)`, { path });
    }
    const aborted = () => new WordmillError('WM_ERR_ABORTED', `interrupted while waiting for the ${what} lock`, { path });
    if (options.signal?.aborted) throw aborted();
    await sleep(pollMs, undefined, { signal: options.signal }).catch(() => {
      throw aborted();
    });
  }
}
