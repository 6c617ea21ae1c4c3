import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { diskError } from './fs-errors.js';
import { wait } from './retry.js';

function holderAlive(text: string): boolean {
  const [pid, host] = text.split('@');
  if (host !== os.hostname()) return true; // another machine on a shared cache: cannot tell, wait
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file next to a `.part`: two runs appending to one `.part` would corrupt it.
 * A lock whose process is gone (same host) is taken over; otherwise we poll until it is released.
 */
export async function acquireLock(file: string, signal: AbortSignal, pollMs = 200): Promise<() => Promise<void>> {
  const me = `${process.pid}@${os.hostname()}`;
  for (;;) {
    try {
      await writeFile(file, me, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw diskError(e, file, 'cannot lock the download');
    }
    const holder = await readFile(file, 'utf8').catch(() => '');
    if (holder && !holderAlive(holder)) {
      await rm(file, { force: true });
      continue;
    }
    await wait(pollMs, signal);
  }
}
