import { Redis } from 'ioredis';
import { WordmillError } from '../errors.js';

/** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS, as managed Redis services require). */
export function checkRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WordmillError('WM_ERR_OPTION', `--cluster ${url}: not a URL; expected redis://HOST:PORT or rediss://HOST:PORT`, { option: 'cluster', actual: url });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new WordmillError('WM_ERR_OPTION', `--cluster ${url}: the scheme must be redis:// or rediss:// (got ${u.protocol})`, { option: 'cluster', actual: url });
  }
  if (!u.hostname) throw new WordmillError('WM_ERR_OPTION', `--cluster ${url}: no host`, { option: 'cluster', actual: url });
  return url;
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * One ioredis connection. BullMQ's workers need `maxRetriesPerRequest: null` (a blocking command must
 * wait through a reconnect, not fail); reconnects back off to 1 s, forever: a worker outlives a Redis
 * restart, and the submitter bounds its own wait (see submit.ts), so nothing hangs unnoticed.
 */
export function connectRedis(url: string, onEvent?: (line: string) => void): Redis {
  const redis = new Redis(checkRedisUrl(url), {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: 1500,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) onEvent?.(`redis ${redactUrl(url)}: ${e.message}; reconnecting`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) onEvent?.(`redis ${redactUrl(url)}: reconnected`);
    down = false;
  });
  return redis;
}
