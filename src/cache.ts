import os from 'node:os';
import path from 'node:path';

/**
 * The cache root every stage shares: `$WORDMILL_HOME`, else `$XDG_CACHE_HOME/wordmill`, else
 * `~/.cache/wordmill`. Under it: `downloads/`, `digests/`, `stores/`, `runs/`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORDMILL_HOME) return path.resolve(env.WORDMILL_HOME);
  if (env.XDG_CACHE_HOME) return path.resolve(env.XDG_CACHE_HOME, 'wordmill');
  return path.join(os.homedir(), '.cache', 'wordmill');
}
