import { open, rm, stat } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { StageContext } from '../stage.js';
import { readJson, writeJsonAtomic } from './cache.js';
import type { MultiHash } from './digest.js';
import { diskError } from './fs-errors.js';
import { contentRange, get, header } from './http.js';

/** What we need to resume a `.part` safely: the validator the server gave for those bytes. */
interface PartMeta { url: string; etag?: string; lastModified?: string; total?: number }

async function partState(part: string, url: string): Promise<{ have: number; meta?: PartMeta }> {
  const meta = await readJson<PartMeta>(`${part}.json`);
  if (!meta || meta.url !== url || (!meta.etag && !meta.lastModified)) return { have: 0 };
  try {
    return { have: (await stat(part)).size, meta };
  } catch {
    return { have: 0 };
  }
}

export interface TransferResult { total?: number; received: number }

/**
 * One HTTP attempt into `part`: resumes with `Range` + `If-Range` when a validated prefix exists,
 * starts over when the server answers 200 (ranges ignored, or the file changed). The hash is fed
 * the prefix first, so it always covers the whole file. Bytes received are reported even on failure
 * (the caller resets its retry budget when an attempt made progress).
 */
export async function transfer(url: string, part: string, hash: () => MultiHash, dispatcher: Dispatcher,
  ctx: StageContext, task: string, progress: { received: number; h?: MultiHash }): Promise<TransferResult> {
  const { have, meta } = await partState(part, url);
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'wordmill' };
  const validator = meta?.etag && !meta.etag.startsWith('W/') ? meta.etag : meta?.lastModified;
  if (have > 0 && validator) {
    headers.range = `bytes=${have}-`;
    headers['if-range'] = validator;
  }
  const res = await get(url, headers, dispatcher, ctx.signal);
  if (res.statusCode === 416) {
    await res.body.dump().catch(() => undefined);
    await rm(part, { force: true });
    await rm(`${part}.json`, { force: true });
    throw Object.assign(new Error(`range not satisfiable for ${url}; restarting`), { name: 'RangeRestart' });
  }
  const range = res.statusCode === 206 ? contentRange(res) : undefined;
  const resumed = range !== undefined && range.start === have;
  if (res.statusCode === 206 && !resumed) {
    await res.body.dump().catch(() => undefined);
    await rm(`${part}.json`, { force: true });
    throw Object.assign(new Error(`server sent an unexpected range for ${url}; restarting`), { name: 'RangeRestart' });
  }
  const length = Number(header(res, 'content-length') ?? NaN);
  const total = resumed ? range.total : Number.isFinite(length) ? length : undefined;
  const h = hash();
  progress.h = h;
  if (resumed) await h.updateFromFile(part, have);
  const etag = header(res, 'etag');
  const lastModified = header(res, 'last-modified');
  await writeJsonAtomic(`${part}.json`, { url, etag: etag ?? meta?.etag, lastModified: lastModified ?? meta?.lastModified, total } satisfies PartMeta);
  ctx.progress.start(task, total, 'B');
  if (resumed) ctx.progress.tick(task, have);
  // Every byte received is on disk before the next is read, so a cut connection leaves a `.part`
  // exactly as long as what was hashed and counted, ready to resume.
  let out;
  try {
    out = await open(part, resumed ? 'a' : 'w');
  } catch (e) {
    await res.body.dump().catch(() => undefined);
    throw diskError(e, part, 'cannot write the download');
  }
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      try {
        await out.write(chunk);
      } catch (e) {
        throw diskError(e, part, 'cannot write the download');
      }
      h.update(chunk);
      progress.received += chunk.length;
      ctx.progress.tick(task, chunk.length);
    }
  } finally {
    res.body.destroy();
    await out.close();
  }
  return { total, received: progress.received };
}
