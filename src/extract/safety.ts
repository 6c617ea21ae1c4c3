import { noteUnsafe, type ExtractStats } from './stats.js';

/** Normalised member path, or why it is refused: we never let a name reach outside its directory. */
export function checkPath(raw: string): { path: string } | { unsafe: string } {
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return { unsafe: 'absolute path' };
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) return { unsafe: 'path with ..' };
  return { path: parts.join('/') };
}

/** Unix file type bits from a zip's external attributes (made-by Unix). */
export function zipModeType(externalAttrs: number | undefined): string | undefined {
  const type = ((externalAttrs ?? 0) >>> 16) & 0o170000;
  switch (type) {
    case 0o120000: return 'symlink';
    case 0o020000: return 'character device';
    case 0o060000: return 'block device';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    default: return undefined;
  }
}

/**
 * The member's safe path, or undefined once a refused entry is counted: an unsafe type (symlink,
 * device…) is reported before an unsafe name, so each refusal names its most telling reason.
 */
export function admit(raw: string, typeReason: string | undefined, stats: ExtractStats): string | undefined {
  const checked = checkPath(raw);
  const unsafe = typeReason ?? ('unsafe' in checked ? checked.unsafe : undefined);
  if (unsafe) {
    noteUnsafe(stats, raw, unsafe);
    return undefined;
  }
  return (checked as { path: string }).path;
}
