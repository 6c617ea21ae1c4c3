import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type unzipper from 'unzipper';

/** Loaded on first use: the CLI's start-up should not pay for archive formats a run never meets. */
const loadUnzipper = async (): Promise<typeof unzipper> => (await import('unzipper')).default;
import type { Entry } from '../types.js';
import { corrupt } from './corrupt.js';
import type { Budget } from './limits.js';
import { admit, zipModeType } from './safety.js';
import type { ExtractStats } from './stats.js';

function meter(budget: Budget, member: string): Transform {
  return new Transform({
    highWaterMark: 1 << 16,
    transform(chunk: Buffer, _enc, cb) {
      try {
        budget.add(chunk.length, member);
        cb(null, chunk);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/** A body the consumer left early (closed, or a `for await` it broke out of), not one that failed. */
const abandoned = (b: Readable): boolean => !b.readableEnded && (!b.errored || (b.errored as Error).name === 'AbortError');
const failure = (b: Readable): Error | null => (abandoned(b) ? null : b.errored);

/**
 * Members of a zip file on disk, read through its central directory: authoritative sizes (zip64
 * included, data descriptors irrelevant) and Unix modes, so symlinks and devices are recognised.
 */
export async function* zipFileEntries(file: string, budget: Budget, stats: ExtractStats): AsyncGenerator<Entry> {
  let member = '(central directory)';
  try {
    const dir = await (await loadUnzipper()).Open.file(file);
    for (const f of dir.files) {
      member = f.path;
      if (f.type === 'Directory') continue;
      const path = admit(f.path, zipModeType((f as unknown as { externalFileAttributes?: number }).externalFileAttributes), stats);
      if (!path) continue;
      budget.declare(f.uncompressedSize, path);
      budget.read(f.compressedSize);
      const raw = f.stream();
      const body = raw.pipe(meter(budget, path));
      raw.on('error', (e) => body.destroy(corrupt(e, budget.source, path) as Error));
      const done = new Promise<void>((resolve) => body.on('close', resolve));
      yield { path, size: f.uncompressedSize, body };
      if (!body.readableEnded) {
        raw.unpipe(body);
        raw.destroy();
        body.destroy();
      }
      await done;
      if (failure(body)) throw failure(body);
    }
  } catch (e) {
    throw corrupt(e, budget.source, member);
  }
}

/** Members of a streamed zip (local headers only: Unix modes are not there, so symlinks read as files). */
export async function* zipStreamEntries(input: Readable, budget: Budget, stats: ExtractStats): AsyncGenerator<Entry> {
  const parser = input.pipe((await loadUnzipper()).Parse({ forceStream: true }));
  input.on('error', (e) => parser.destroy(e));
  let member = '(before the first member)';
  try {
    for await (const e of parser as AsyncIterable<unzipper.Entry>) {
      member = e.path;
      const path = e.type === 'Directory' ? undefined : admit(e.path, undefined, stats);
      if (!path) {
        e.autodrain();
        continue;
      }
      const size = (e.vars as { uncompressedSize?: number }).uncompressedSize || undefined;
      budget.declare(size, path);
      const body = e.pipe(meter(budget, path));
      yield { path, size, body };
      if (abandoned(body)) {
        // Left unread: the parser only moves on once this entry's bytes are consumed, so drain them.
        e.unpipe(body);
        body.destroy();
        await e.autodrain().promise();
      } else {
        await finished(body).catch(() => undefined);
      }
      if (failure(body)) throw failure(body);
    }
  } catch (e) {
    throw corrupt(e, budget.source, member);
  } finally {
    input.destroy();
    parser.destroy();
  }
}
