import { validateOptions, type Options } from '../options.js';

/** Bounds are options so tests can run the same code paths in milliseconds. */
export const fetchSchema = {
  offline: { type: 'boolean', default: false },
  concurrency: { type: 'number', default: 4, min: 1, max: 64, integer: true },
  /** Retries in a row that bring no new bytes (the file got no further than before): a dead link stops. */
  retries: { type: 'number', default: 5, min: 0, max: 100, integer: true },
  /** Attempts in all, progress or not: a server that always cuts the body stops even if each cut is later. */
  maxAttempts: { type: 'number', default: 30, min: 1, max: 10_000, integer: true },
  /** No retry starts this many ms after the first attempt did (a running transfer is not cut). */
  maxRetryTime: { type: 'number', default: 3_600_000, min: 0 },
  /** Backoff between retries: exponential from minDelay to maxDelay, equal jitter. */
  minDelay: { type: 'number', default: 500, min: 0 },
  maxDelay: { type: 'number', default: 30_000, min: 0 },
  connectTimeout: { type: 'number', default: 30_000, min: 1 },
  headersTimeout: { type: 'number', default: 60_000, min: 1 },
  bodyTimeout: { type: 'number', default: 60_000, min: 1 },
  /** Redirects followed per request; a loop, or a redirect off http(s), is a permanent error. */
  maxRedirections: { type: 'number', default: 5, min: 0, max: 50, integer: true },
  /** Cache root; defaults to $WORDMILL_HOME, $XDG_CACHE_HOME/wordmill, ~/.cache/wordmill. */
  cacheDir: { type: 'string' },
  /** Proxies default to HTTP(S)_PROXY / NO_PROXY, as undici's EnvHttpProxyAgent reads them. */
  httpProxy: { type: 'string' },
  httpsProxy: { type: 'string' },
  noProxy: { type: 'string' },
  /** Registry for `npm:` urls; defaults to npm_config_registry, then `npm config get registry`. */
  npmRegistry: { type: 'string' },
} as const;

export type FetchOptions = Partial<Options<typeof fetchSchema>>;
export type FetchConfig = Options<typeof fetchSchema> & { cacheDir: string };

export function fetchConfig(where: string, given: object = {}): FetchConfig {
  return validateOptions(where, fetchSchema, given) as FetchConfig;
}
