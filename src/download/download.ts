import type { Dispatcher } from 'undici';
import { WordmillError } from '../errors.js';
import type { RemoteFile } from '../pipeline/spec.js';
import type { StageContext } from '../stage.js';
import { cacheRoot, DownloadCache } from './cache.js';
import { expectedDigests } from './digest.js';
import { makeDispatcher } from './http.js';
import { commit, lookup, nameOf } from './lookup.js';
import { resolveNpmUrl } from './npm.js';
import { fetchConfig, type FetchConfig, type FetchOptions } from './options.js';
import { aborted, isRetryable, RetryPolicy, wait } from './retry.js';
import { acquireLock } from '../lock.js';
import { dropPart, transfer } from './transfer.js';
import type { ResolvedFile } from './types.js';

export async function resolveUrl(url: string, cfg: FetchConfig): Promise<string> {
  return url.startsWith('npm:') ? resolveNpmUrl(url, cfg.npmRegistry) : url;
}

/**
 * Downloads one remote file into the content-addressed cache (or finds it there), verified.
 * Validates `opts` and owns its own connection pool, closed before returning.
 */
export async function download(file: RemoteFile, opts: FetchOptions, ctx: StageContext): Promise<ResolvedFile> {
  const cfg = fetchConfig('download', opts);
  const dispatcher = makeDispatcher(cfg);
  try {
    return await downloadWith(file, cfg, dispatcher, ctx);
  } finally {
    await dispatcher.close();
  }
}

export async function downloadWith(file: RemoteFile, cfg: FetchConfig, dispatcher: Dispatcher, ctx: StageContext): Promise<ResolvedFile> {
  const url = await resolveUrl(file.url, cfg);
  const cache = new DownloadCache(cfg.cacheDir ?? cacheRoot());
  const hit = await lookup(cache, url, file);
  if (hit) return hit;
  if (cfg.offline) {
    throw new WordmillError('WM_ERR_OFFLINE', `offline and not in the download cache: ${url} (cache: ${cache.dir})`, { url, path: cache.dir });
  }
  await cache.prepare();
  const part = cache.part(url);
  const lock = await acquireLock(`${part}.lock`, { what: 'download', signal: ctx.signal, timeoutMs: Infinity, pollMs: 200 });
  try {
    // Another run may have finished this file while we waited for the lock.
    return (await lookup(cache, url, file)) ?? (await fetchLocked(url, part, file, cache, cfg, dispatcher, ctx));
  } finally {
    await lock.release();
  }
}

async function fetchLocked(url: string, part: string, file: RemoteFile, cache: DownloadCache, cfg: FetchConfig,
  dispatcher: Dispatcher, ctx: StageContext): Promise<ResolvedFile> {
  const expected = expectedDigests(file);
  const task = `download ${nameOf(url)}`;
  const policy = new RetryPolicy(cfg);
  let restarts = 0;
  for (;;) {
    if (ctx.signal.aborted) throw aborted(ctx.signal);
    const progress = { received: 0, reached: 0 };
    try {
      const { total, h } = await transfer(url, part, expected, dispatcher, ctx, task, progress, cfg.maxRedirections);
      if (total !== undefined && h.size !== total) {
        throw new Error(`connection closed after ${h.size} of ${total} bytes`);
      }
      let verified;
      try {
        verified = await h.verify(url, file.size);
      } catch (e) {
        // A wrong file must never be resumed or reused: drop it and its validator.
        await dropPart(part);
        throw e;
      }
      const out = await commit(cache, url, part, verified.sha256, h.size, expected.map((x) => x.label));
      ctx.progress.done(task, `${h.size} bytes, sha256 ${verified.sha256.slice(0, 12)}`);
      return out;
    } catch (e) {
      if (ctx.signal.aborted) throw aborted(ctx.signal);
      if ((e as Error).name === 'RangeRestart' && ++restarts <= 3) continue;
      if (!isRetryable(e)) throw e;
      const retryAfter = e instanceof WordmillError ? (e.details.retryAfter as number | undefined) : undefined;
      const next = policy.failed(progress.reached, retryAfter);
      if ('stop' in next) throw networkError(url, e, next.stop);
      ctx.progress.log(`${url}: ${(e as Error).message}; retry in ${Math.round(next.delay)} ms (${policy.label})`);
      await wait(next.delay, ctx.signal);
    }
  }
}

function networkError(url: string, e: unknown, why: string): WordmillError {
  if (e instanceof WordmillError) {
    return new WordmillError(e.code, `${e.message} (gave up after ${why})`, e.details, { cause: e });
  }
  const err = e as Error & { code?: string };
  const cause = err.code ? `${err.code}: ${err.message}` : err.message;
  return new WordmillError('WM_ERR_NETWORK', `download failed after ${why}: ${url} (${cause})`, { url }, { cause: e });
}
