import { check, z } from '../schema/index.js';
import { show } from '../schema/messages.js';

const EXPECTED = 'expected redis://HOST:PORT or rediss://HOST:PORT (TLS)';

/**
 * A Redis URL, `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS, as managed Redis
 * services require): the cluster's own rule, which `--cluster` and library callers both go through.
 * Messages show the URL without its password.
 */
export const redisUrlSchema = z.string().superRefine((url, ctx) => {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    ctx.addIssue({ code: 'custom', input: url, message: `${show(redactUrl(url))} is not a URL; ${EXPECTED}` });
    return;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    ctx.addIssue({ code: 'custom', input: url, message: `${show(redactUrl(url))} has the scheme ${u.protocol.replace(/:$/, '')}://; ${EXPECTED}` });
  } else if (!u.hostname) {
    ctx.addIssue({ code: 'custom', input: url, message: `${show(redactUrl(url))} names no host; ${EXPECTED}` });
  }
});

/** The URL, checked; a bad one is WM_ERR_OPTION naming `where` (the flag, for the CLI). */
export function checkRedisUrl(url: string, where = '--cluster'): string {
  return check(redisUrlSchema, url, where);
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
