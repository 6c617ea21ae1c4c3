import { WordmillError } from '../errors.js';

/** Any non-wordmill failure while reading an archive is corruption, named by the member reached. */
export function corrupt(e: unknown, source: string, member: string): unknown {
  if (e instanceof WordmillError) return e;
  // One line: a library's or tool's multi-line explanation would break the CLI's one-line errors.
  const msg = ((e as Error)?.message ?? String(e)).split('\n').map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 300);
  return new WordmillError('WM_ERR_ARCHIVE_CORRUPT', `${source}: truncated or corrupt archive at member ${member} (${msg})`,
    { path: source, member }, { cause: e });
}
