import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type unzipper from 'unzipper';

/** Loaded on first use: the CLI's start-up should not pay for archive formats a run never meets. */
const loadUnzipper = async (): Promise<typeof unzipper> => (await import('unzipper')).default;
import type { Entry } from '../types.js';
import { corrupt } from './corrupt.js';
import type { Budget } from './limits.js';
import { admit, zipModeType } from './safety.js';
import { checkLayout, failingBody, memberStream, unsupported, type ZipRecord } from './zip-member.js';
import { WordmillError } from '../errors.js';
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
 * The directory is checked for overlapping entries before any member is read; each member is read
 * by memberStream (bytes counted as they are inflated, CRC checked). An encrypted member, or one in
 * a compression method we lack, fails when read (WM_ERR_ARCHIVE_ENTRY naming it), so one that no
 * rule selects costs nothing.
 */
export async function* zipFileEntries(file: string, budget: Budget, stats: ExtractStats): AsyncGenerator<Entry> {
  let member = '(central directory)';
  try {
    const dir = await (await loadUnzipper()).Open.file(file);
    const records = dir.files as unknown as (ZipRecord & { type: string; externalFileAttributes?: number })[];
    const centralOffset = (dir as unknown as { offsetToStartOfCentralDirectory: number }).offsetToStartOfCentralDirectory;
    checkLayout(records, centralOffset, budget.source);
    const starts = records.map((r) => r.offsetToLocalFileHeader).sort((a, b) => a - b);
    const nextStart = (off: number): number => {
      const i = starts.findIndex((s) => s > off);
      return i === -1 ? centralOffset : starts[i];
    };
    for (const f of records) {
      member = f.path;
      // Every member's compressed bytes are counted once: as read, and what was passed over after.
      let counted = 0;
      const path = f.type === 'Directory' ? undefined : admit(f.path, zipModeType(f.externalFileAttributes), stats);
      const why = path === undefined ? undefined : unsupported(f);
      if (path !== undefined && why) {
        yield { path, size: f.uncompressedSize, body: failingBody(new WordmillError('WM_ERR_ARCHIVE_ENTRY', `${budget.source}: member ${path} ${why}`, { path: budget.source, member: path })) };
      } else if (path !== undefined) {
        budget.declare(f.uncompressedSize, path);
        const body = await memberStream(file, f, path, nextStart(f.offsetToLocalFileHeader), budget);
        const done = new Promise<void>((resolve) => body.on('close', resolve));
        yield { path, size: f.uncompressedSize, body };
        if (!body.readableEnded) body.destroy();
        await done;
        if (failure(body)) throw failure(body);
        counted = body.compressedRead;
      }
      budget.read(Math.max(0, f.compressedSize - counted));
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
  let refused: WordmillError | undefined;
  try {
    for await (const e of parser as AsyncIterable<unzipper.Entry>) {
      member = e.path;
      const path = e.type === 'Directory' ? undefined : admit(e.path, undefined, stats);
      if (!path) {
        e.autodrain();
        continue;
      }
      const size = (e.vars as { uncompressedSize?: number }).uncompressedSize || undefined;
      const why = unsupported(e.vars as unknown as ZipRecord);
      if (why) {
        // Its bytes cannot be inflated, and the parser may fail trying to skip them: that is this error too.
        refused = new WordmillError('WM_ERR_ARCHIVE_ENTRY', `${budget.source}: member ${path} ${why}`, { path: budget.source, member: path });
        yield { path, size, body: failingBody(refused) };
        await e.autodrain().promise().catch(() => { throw refused; });
        refused = undefined;
        continue;
      }
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
    throw refused ?? corrupt(e, budget.source, member);
  } finally {
    input.destroy();
    parser.destroy();
  }
}
