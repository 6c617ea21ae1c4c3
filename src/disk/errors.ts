import { WordmillError } from '../errors.js';

/**
 * Why a write failed, for the errno values that mean the disk or the directory, not the data: these
 * become WM_ERR_DISK (exit 6) naming the file. Others (EINVAL, a bug) pass through unchanged.
 */
const DISK_REASONS: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  ESTALE: 'stale file handle',
};

/** Maps a file-system failure on `file` to WM_ERR_DISK (`<what>: <file> (<why>: <errno>)`); passes others through. */
export function diskError(e: unknown, file: string, what: string): unknown {
  if (e instanceof WordmillError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code ? DISK_REASONS[code] : undefined;
  if (why) return new WordmillError('WM_ERR_DISK', `${what}: ${file} (${why}: ${code})`, { path: file, errno: code }, { cause: e });
  return e;
}

/** Runs `fn`, mapping a disk failure to WM_ERR_DISK naming `file`. */
export async function onDisk<T>(file: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw diskError(e, file, what);
  }
}

/** The synchronous form of onDisk, for the store's spill and output files. */
export function onDiskSync<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw diskError(e, file, what);
  }
}
