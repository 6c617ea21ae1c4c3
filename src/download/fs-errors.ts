import { WordmillError } from '../errors.js';

const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EFBIG']);

/** Maps file-system failures on the cache to WM_ERR_DISK, naming the path; passes others through. */
export function diskError(e: unknown, file: string, what: string): unknown {
  if (e instanceof WordmillError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && DISK_CODES.has(code)) {
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk full' : code === 'EFBIG' ? 'file too large' : 'not writable';
    return new WordmillError('WM_ERR_DISK', `${what}: ${file} (${why}: ${code})`, { path: file, errno: code }, { cause: e });
  }
  return e;
}
