/**
 * A real, tiny file system for disk-full tests: a tmpfs of a few hundred KiB mounted on a temp dir
 * (needs root or CAP_SYS_ADMIN, as in CI). Where it cannot be mounted the test is skipped with the
 * reason printed, never passed silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeSync, rmSync, ftruncateSync, fstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export interface TinyDisk {
  dir: string;
  /** Fills the disk to the last byte (a filler file), so the next data write fails with ENOSPC. */
  fill(): void;
  /** Frees `bytes` of the filler again (rounded down to pages by tmpfs). */
  free(bytes: number): void;
}

export function tinyDisk(t: TestContext, opts: { size?: string; readOnly?: boolean } = {}): TinyDisk | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wordmill-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${opts.size ?? '512k'}${opts.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a tmpfs for a real disk-full test (${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim() || 'mount failed'}); run as root`;
    process.stderr.write(`# SKIP: ${why}\n`);
    t.skip(why);
    return undefined;
  }
  t.after(() => {
    try { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  });
  let filler: number | undefined;
  return {
    dir,
    fill() {
      filler ??= openSync(path.join(dir, '.filler'), 'a');
      const block = Buffer.alloc(4096, 1);
      for (;;) {
        try {
          if (writeSync(filler, block) < block.length) break;
        } catch {
          break;
        }
      }
      t.after(() => { if (filler !== undefined) closeSync(filler); filler = undefined; });
    },
    free(bytes: number) {
      if (filler === undefined) return;
      ftruncateSync(filler, Math.max(0, fstatSync(filler).size - bytes));
    },
  };
}
