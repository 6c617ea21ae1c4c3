import { createReadStream } from 'node:fs';
import type { ResolvedFile } from '../download/types.js';
import type { Entry } from '../types.js';
import type { MemberRule } from '../pipeline/spec.js';
import { defaultContext, type StageContext } from '../stage.js';
import type { Doc } from '../types.js';
import { toDocuments } from './documents.js';
import { ReadAhead } from './read-ahead.js';
import { entries } from './entries.js';
import { extractConfig, type ExtractOptions } from './options.js';
import { Selector } from './select.js';
import { newStats, type ExtractStats } from './stats.js';

/**
 * A source file, or a slice of one (a cluster shard): `bytes` is a range of a plain text file cut at
 * line ends (its documents are named `<name>@<start>#<k>`, the k-th after byte `start`), `members`
 * a range of an archive's members by position in archive order (ids stay `<member>#<k>`).
 */
export type FileSlice = ResolvedFile & { bytes?: { start: number; end: number }; members?: { from: number; to: number } };

export interface DocumentReader extends AsyncIterable<Doc> {
  /** Filled while iterating; complete once the iteration ends. */
  readonly stats: ExtractStats;
}

/** Every member path of one file (a full pass: only made when a rule counts members), within `limits`. */
export async function listMembers(file: string, name?: string, limits: Pick<ExtractOptions, 'maxBytes' | 'maxRatio' | 'ratioMinBytes'> = {}): Promise<string[]> {
  const out: string[] = [];
  const { maxBytes, maxRatio, ratioMinBytes } = limits;
  for await (const e of entries(file, { maxBytes, maxRatio, ratioMinBytes, name })) {
    out.push(e.path);
    e.body.destroy();
  }
  return out;
}

/**
 * Documents of every file, files in the given order and members in archive order (deterministic),
 * with extraction stats on the returned object. Options are checked now, not at the first `next()`.
 */
export function readDocuments(files: FileSlice[], members: MemberRule[], opts: ExtractOptions = {},
  ctx: StageContext = defaultContext()): DocumentReader {
  const cfg = extractConfig('readDocuments', opts);
  const selector = new Selector(members);
  const stats = cfg.stats ?? newStats();
  const needListing = members.some((r) => r.every !== undefined);
  async function* run(): AsyncGenerator<Doc> {
    const task = 'extract';
    ctx.progress.start(task, files.reduce((n, f) => n + f.size, 0), 'B');
    let reported = 0;
    const ahead = new ReadAhead(files);
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const listing = needListing ? await listMembers(f.path, f.name, cfg) : undefined;
      const source = f.bytes ? createReadStream(f.path, { start: f.bytes.start, end: f.bytes.end - 1, highWaterMark: 1 << 20 }) : await ahead.take(i);
      let es = entries(source, { ...cfg, name: f.name, stats });
      if (f.members) es = memberRange(es, f.members.from, f.members.to);
      const idPrefix = f.bytes ? `${f.name}@${f.bytes.start}` : undefined;
      for await (const d of toDocuments(es, selector, { crlf: cfg.crlf, streamChunk: cfg.streamChunk, stats, listing, signal: ctx.signal, idPrefix })) {
        if (stats.compressedBytes - reported >= 1 << 20) {
          ctx.progress.tick(task, stats.compressedBytes - reported, { docs: stats.docs });
          reported = stats.compressedBytes;
        }
        yield d;
      }
    }
    ctx.progress.tick(task, stats.compressedBytes - reported, { docs: stats.docs });
    const unsafe = stats.unsafe ? `, ${stats.unsafe} unsafe entries skipped (${stats.unsafeEntries.slice(0, 3).join('; ')})` : '';
    const bad = Object.values(stats.replacements).reduce((a, b) => a + b, 0);
    ctx.progress.done(task, `${stats.docs} docs from ${stats.members} members${unsafe}${bad ? `, ${bad} invalid UTF-8 sequences replaced` : ''}`);
  }
  return { stats, [Symbol.asyncIterator]: () => run() };
}

/** Members `from` ≤ position < `to` of an archive; the others are closed unread, and reading stops after `to`. */
async function* memberRange(es: AsyncGenerator<Entry>, from: number, to: number): AsyncGenerator<Entry> {
  let k = 0;
  for await (const e of es) {
    if (k >= to) {
      e.body.destroy();
      break;
    }
    if (k++ < from) e.body.destroy();
    else yield e;
  }
}
