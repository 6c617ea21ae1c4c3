import { Readable } from 'node:stream';
import type tar from 'tar-stream';
import type { Entry } from '../types.js';
import { corrupt } from './corrupt.js';
import type { Budget } from './limits.js';
import { admit } from './safety.js';
import type { ExtractStats } from './stats.js';

type Source = Readable & { header: tar.Header };

const FILE_TYPES = new Set(['file', 'contiguous-file']);
const UNSAFE_TYPES: Record<string, string> = {
  symlink: 'symlink', link: 'hard link', 'character-device': 'character device',
  'block-device': 'block device', fifo: 'fifo',
};

/**
 * A tar member's bytes as a Node Readable. The entry stream itself is never destroyed early:
 * tar-stream tears the whole archive down when an entry is, so an abandoned body is drained instead.
 */
function bridge(src: Source, member: string, budget: Budget, fail: (e: unknown) => void): { body: Readable; settled: Promise<void> } {
  let discard = false;
  const body = new Readable({
    highWaterMark: 1 << 16,
    read: () => void src.resume(),
    destroy: (err, cb) => {
      discard = true;
      src.resume();
      cb(err);
    },
  });
  const settled = new Promise<void>((resolve) => {
    src.on('data', (c: Buffer) => {
      try {
        budget.add(c.length, member);
      } catch (e) {
        body.destroy(e as Error);
        fail(e);
        return;
      }
      if (!discard && !body.push(c)) src.pause();
    });
    src.on('end', () => {
      if (!discard) body.push(null);
      resolve();
    });
    src.on('error', (e: unknown) => {
      body.destroy(corrupt(e, budget.source, member) as Error);
      resolve();
    });
    src.on('close', () => resolve());
  });
  src.pause();
  return { body, settled };
}

/** Members of a (decompressed) tar stream, in archive order; unsafe entries are counted and skipped. */
export async function* tarEntries(input: Readable, budget: Budget, stats: ExtractStats): AsyncGenerator<Entry> {
  // Loaded on first use: the CLI's start-up should not pay for archive formats a run never meets.
  const { default: tarStream } = await import('tar-stream');
  // Pre-POSIX (v7) tars carry no magic; detect() already checked their header checksum.
  const ex = tarStream.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  let failure: unknown;
  const fail = (e: unknown) => {
    failure ??= e;
    ex.destroy(e as Error);
  };
  input.on('error', fail);
  input.pipe(ex as unknown as NodeJS.WritableStream);
  let member = '(before the first member)';
  try {
    for await (const src of ex as AsyncIterable<Source>) {
      const h = src.header;
      member = h.name;
      const type = h.type ?? 'file';
      // Not `!path`: a tar file entry whose name normalises to '' has always been yielded.
      const path = admit(h.name, UNSAFE_TYPES[type], stats);
      if (path === undefined || !FILE_TYPES.has(type)) {
        src.resume();
        continue;
      }
      budget.declare(h.size, path);
      const { body, settled } = bridge(src, path, budget, fail);
      yield { path, size: h.size, body };
      if (!body.readableEnded) body.destroy();
      await settled;
      if (failure) throw failure;
    }
    if (failure) throw failure;
  } catch (e) {
    throw corrupt(failure ?? e, budget.source, member);
  } finally {
    input.unpipe(ex as unknown as NodeJS.WritableStream);
    input.destroy();
    ex.destroy();
  }
}
