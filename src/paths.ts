import path from 'node:path';
import { WordmillError } from './errors.js';

/**
 * One path segment made from user input (a pipeline name, a split): letters, digits, `.`, `_`, `-`,
 * starting with a letter or digit, so never `..`, never a separator, never hidden.
 */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const SAFE_NAME_RULE = "one path segment of letters, digits, '.', '_' or '-', starting with a letter or digit (at most 128)";

/** A name derived from a URL or file name, made safe: other characters become `-`. */
export function toSafeName(raw: string, fallback = 'corpus'): string {
  const s = raw.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
  return SAFE_NAME.test(s) ? s : fallback;
}

/** A part that is not one plain segment: empty, `.`, `..`, a separator or a NUL. */
const BAD_PART = /^\.{0,2}$|[/\\\0]/;

/**
 * The path guard: every path wordmill writes under one of its roots (the cache, a store, a run) is
 * built here, as `root` joined with `parts`, each one plain path segment, and refused
 * (WM_ERR_OPTION, naming both) unless it stays strictly under `root`. Names are validated where they
 * enter (the spec schema); this is the second line for whatever slipped past.
 */
export function under(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...parts);
  const rel = path.relative(base, target);
  if (parts.length === 0 || parts.some((p) => BAD_PART.test(p)) || rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new WordmillError('WM_ERR_OPTION', `refusing to write ${JSON.stringify(path.join(...parts))}: it is not under ${base}`, { path: target, root: base });
  }
  return target;
}
