import pLimit from 'p-limit';
import type { RemoteFile } from '../pipeline/spec.js';
import type { StageContext } from '../stage.js';
import { downloadWith } from './download.js';
import { makeDispatcher } from './http.js';
import { isRemote, resolveLocal } from './local.js';
import { fetchConfig, type FetchOptions } from './options.js';
import type { ResolvedFile } from './types.js';

/**
 * Downloads (or locates) every source file with at most `concurrency` transfers at once, one shared
 * connection pool closed at the end. Results keep the given order; a directory expands in place,
 * sorted. The same url listed twice is fetched once (two writers on one `.part` would corrupt it).
 */
export async function fetchSource(files: RemoteFile[], opts: FetchOptions, ctx: StageContext): Promise<ResolvedFile[]> {
  const cfg = fetchConfig('fetchSource', opts);
  const limit = pLimit(cfg.concurrency);
  const dispatcher = makeDispatcher(cfg);
  const seen = new Map<string, Promise<ResolvedFile[]>>();
  const inner = new AbortController();
  const onAbort = () => inner.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort);
  const sub: StageContext = { ...ctx, signal: inner.signal };
  try {
    const jobs = files.map((f) => {
      const key = JSON.stringify([f.url, f.sha256, f.integrity]);
      let job = seen.get(key);
      if (!job) {
        job = limit(async () => (isRemote(f.url) ? [await downloadWith(f, cfg, dispatcher, sub)] : resolveLocal(f, cfg)));
        seen.set(key, job);
      }
      return job;
    });
    // The first failure stops the other transfers (their .part files stay for a later resume).
    // Remember which failed first in time: the later ones are aborts it caused.
    let first: { error: unknown } | undefined;
    jobs.forEach((j) => j.catch((error) => {
      first ??= { error };
      inner.abort(error);
    }));
    const results = await Promise.allSettled(jobs);
    if (first) throw first.error;
    return results.flatMap((r) => (r as PromiseFulfilledResult<ResolvedFile[]>).value);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await dispatcher.close();
  }
}
