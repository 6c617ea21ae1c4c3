import { Redis } from 'ioredis';
import { checkRedisUrl, redactUrl } from './url.js';

export { checkRedisUrl, redactUrl };

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
