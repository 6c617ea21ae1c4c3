import { nonEmpty, nonNegInt, validateOptions, z } from '../schema/index.js';
import { HEX_DIGEST, SRI } from './digests.js';

const hex = (algo: keyof typeof HEX_DIGEST, digits: number) =>
  z.string().regex(HEX_DIGEST[algo], { error: (iss) => `must be a ${algo} digest: ${digits} hex digits (got ${JSON.stringify(iss.input)})` });

/** Schemes a source url may have; anything else with a scheme (ftp:, s3:) is refused at load time. */
export const URL_SCHEMES = ['http', 'https', 'file', 'npm'] as const;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/** One file of a pipeline's source, which the download stage fetches and verifies. */
export const remoteFileSchema = z.strictObject({
  /** http(s)://, file://, a local path, or `npm:<name>@<version>` (resolved against the configured npm registry). */
  url: nonEmpty.refine((u) => { const m = SCHEME.exec(u); return !m || (URL_SCHEMES as readonly string[]).includes(m[1].toLowerCase()); },
    { error: (iss) => `${JSON.stringify(iss.input)} has an unsupported scheme; known: ${URL_SCHEMES.join(', ')} (or a local path)` }),
  /** Hex sha256 of the file, when published. */
  sha256: hex('sha256', 64).optional(),
  /** SRI integrity string (`sha512-…`), as npm publishes. */
  integrity: z.string().regex(SRI, { error: (iss) => `must be an SRI integrity string (sha256-, sha384- or sha512- and the base64 digest) (got ${JSON.stringify(iss.input)})` }).optional(),
  /** Size in bytes; verified when no digest is known. */
  size: nonNegInt.optional(),
  /** Hex md5 / sha1, for sources that publish only those (torchtext, d2l); verified too. */
  md5: hex('md5', 32).optional(),
  sha1: hex('sha1', 40).optional(),
});

export type RemoteFile = z.output<typeof remoteFileSchema>;

/** Bounds are options so tests can run the same code paths in milliseconds. */
export const fetchSchema = z.strictObject({
  offline: z.boolean().default(false),
  concurrency: z.int().min(1).max(64).default(4),
  /** Retries in a row that bring no new bytes (the file got no further than before): a dead link stops. */
  retries: z.int().min(0).max(100).default(5),
  /** Attempts in all, progress or not: a server that always cuts the body stops even if each cut is later. */
  maxAttempts: z.int().min(1).max(10_000).default(30),
  /** No retry starts this many ms after the first attempt did (a running transfer is not cut). */
  maxRetryTime: z.number().min(0).default(3_600_000),
  /** Backoff between retries: exponential from minDelay to maxDelay, equal jitter. */
  minDelay: z.number().min(0).default(500),
  maxDelay: z.number().min(0).default(30_000),
  connectTimeout: z.number().min(1).default(30_000),
  headersTimeout: z.number().min(1).default(60_000),
  bodyTimeout: z.number().min(1).default(60_000),
  /** Redirects followed per request; a loop, or a redirect off http(s), is a permanent error. */
  maxRedirections: z.int().min(0).max(50).default(5),
  /** Cache root; defaults to $WORDMILL_HOME, $XDG_CACHE_HOME/wordmill, ~/.cache/wordmill. */
  cacheDir: z.string().optional(),
  /** Proxies default to HTTP(S)_PROXY / NO_PROXY, as undici's EnvHttpProxyAgent reads them. */
  httpProxy: z.string().optional(),
  httpsProxy: z.string().optional(),
  noProxy: z.string().optional(),
  /** Registry for `npm:` urls; defaults to npm_config_registry, then `npm config get registry`. */
  npmRegistry: z.string().optional(),
});

export type FetchOptions = z.input<typeof fetchSchema>;
export type FetchConfig = z.output<typeof fetchSchema> & { cacheDir: string };

export function fetchConfig(where: string, given: object = {}): FetchConfig {
  return validateOptions(where, fetchSchema, given) as FetchConfig;
}
