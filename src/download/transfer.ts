import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { StageContext } from '../stage.js';
import { readJson, writeJsonAtomic } from './cache.js';
import { MultiHash, type Expected } from './digest.js';
import { diskError } from '../disk/errors.js';
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

export interface TransferResult { total?: number; h: MultiHash }

/** A `.part` we must not resume from: the bytes and the validator that would vouch for them. */
export async function dropPart(part: string): Promise<void> {
  await rm(part, { force: true });
  await rm(`${part}.json`, { force: true });
}

/**
 * One HTTP attempt into `part`: resumes with `Range` + `If-Range` when a validated prefix exists,
 * starts over when the server answers 200 (ranges ignored, or the file changed). The hash is fed
 * the prefix first, so it always covers the whole file. Bytes received go to `progress` as they
 * arrive, with `reached` the file offset they got to, so a failed attempt still reports how far it
 * came (the retry policy counts progress by it).
 */
export async function transfer(url: string, part: string, expected: Expected[], dispatcher: Dispatcher,
  ctx: StageContext, task: string, progress: { received: number; reached: number }, maxRedirections = 5): Promise<TransferResult> {
  const { have, meta } = await partState(part, url);
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'wordmill' };
  const validator = meta?.etag && !meta.etag.startsWith('W/') ? meta.etag : meta?.lastModified;
  // The prefix is hashed before asking: hashing a big prefix after the response started would
  // leave the body unread for that long (and risk the body timeout).
  let prefix: MultiHash | undefined;
  if (have > 0 && validator) {
    prefix = new MultiHash(expected);
    await prefix.updateFromFile(part, have);
    headers.range = `bytes=${have}-`;
    headers['if-range'] = validator;
  }
  const res = await get(url, headers, dispatcher, ctx.signal, maxRedirections);
  // An abort or reset can destroy the body while we set up below: remember it from the start.
  let bodyError: unknown;
  res.body.on('error', (e) => { bodyError ??= e; });
  if (res.statusCode === 416) {
    await res.body.dump().catch(() => undefined);
    await dropPart(part);
    throw Object.assign(new Error(`range not satisfiable for ${url}; restarting`), { name: 'RangeRestart' });
  }
  let total: number | undefined;
  let h: MultiHash;
  // Anything thrown before the body is consumed must release it, or the connection (and the
  // dispatcher's close) would wait on it forever.
  try {
    const range = res.statusCode === 206 ? contentRange(res) : undefined;
    const resumed = range !== undefined && range.start === have;
    if (res.statusCode === 206 && !resumed) {
      await res.body.dump().catch(() => undefined);
      await rm(`${part}.json`, { force: true });
      throw Object.assign(new Error(`server sent an unexpected range for ${url}; restarting`), { name: 'RangeRestart' });
    }
    const length = Number(header(res, 'content-length') ?? NaN);
    total = resumed ? range.total : Number.isFinite(length) ? length : undefined;
    const etag = header(res, 'etag');
    const lastModified = header(res, 'last-modified');
    await writeJsonAtomic(`${part}.json`, { url, etag: etag ?? meta?.etag, lastModified: lastModified ?? meta?.lastModified, total } satisfies PartMeta);
    const out = createWriteStream(part, { flags: resumed ? 'a' : 'w', highWaterMark: 4 << 20 });
    try {
      await once(out, 'open');
    } catch (e) {
      await res.body.dump().catch(() => undefined);
      throw diskError(e, part, 'cannot write the download');
    }
    h = resumed ? prefix! : new MultiHash(expected);
    ctx.progress.start(task, total, 'B');
    if (resumed) ctx.progress.tick(task, have);
    progress.reached = resumed ? have : 0;
    res.body.on('data', (chunk: Buffer) => {
      h.update(chunk);
      progress.received += chunk.length;
      progress.reached += chunk.length;
      ctx.progress.tick(task, chunk.length);
    });
    // On a body error the file is ended, not destroyed: every byte received reaches the `.part`
    // before the caller resumes from its length.
    await new Promise<void>((resolve, reject) => {
      let failed: unknown;
      const stop = (e: unknown) => {
        failed ??= e;
        res.body.unpipe(out);
        out.end();
      };
      if (bodyError !== undefined || res.body.destroyed) {
        stop(bodyError ?? new Error('response body closed'));
        out.on('close', () => reject(failed));
        return;
      }
      res.body.on('error', stop);
      out.on('error', (e) => {
        failed ??= diskError(e, part, 'cannot write the download');
        res.body.destroy();
      });
      out.on('close', () => (failed ? reject(failed) : resolve()));
      res.body.pipe(out);
    });
  } catch (e) {
    res.body.destroy();
    throw e;
  }
  return { total, h };
}
