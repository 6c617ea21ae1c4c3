import { createReadStream } from 'node:fs';
import pLimit from 'p-limit';
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

/** Indices of `files` grouped by source: consecutive files a directory expanded to form one group. */
function sourceGroups(files: readonly ResolvedFile[]): number[][] {
  const groups: number[][] = [];
  files.forEach((f, i) => {
    const last = groups.at(-1);
    if (last && f.directory !== undefined && files[last[0]].directory === f.directory) last.push(i);
    else groups.push([i]);
  });
  return groups;
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
    // A directory of 36,500 files must not open them all at once for its listing.
    const listing8 = pLimit(8);
    for (const group of sourceGroups(files)) {
      // One source is one counting domain for `every`/`offset`: an archive's members, or every member
      // of every file under a directory (its plain files are members named by their relative paths).
      const listing = needListing ? (await Promise.all(group.map((i) => listing8(() => listMembers(files[i].path, files[i].name, cfg))))).flat() : undefined;
      selector.reset(listing);
      for (const i of group) {
        const f = files[i];
        const input = f.bytes ? createReadStream(f.path, { start: f.bytes.start, end: f.bytes.end - 1, highWaterMark: 1 << 20 }) : await ahead.take(i);
        let es = entries(input, { ...cfg, name: f.name, stats });
        if (f.members) es = memberRange(es, f.members.from, f.members.to);
        const idPrefix = f.bytes ? `${f.name}@${f.bytes.start}` : undefined;
        const source = f.directory ? f.path : f.name;
        for await (const d of toDocuments(es, selector, { crlf: cfg.crlf, streamChunk: cfg.streamChunk, pieceChars: cfg.pieceChars, binary: cfg.binary as 'error' | 'skip', source, stats, continueCounts: true, signal: ctx.signal, idPrefix })) {
          if (stats.compressedBytes - reported >= 1 << 20) {
            ctx.progress.tick(task, stats.compressedBytes - reported, { docs: stats.docs });
            reported = stats.compressedBytes;
          }
          yield d;
        }
      }
    }
    ctx.progress.tick(task, stats.compressedBytes - reported, { docs: stats.docs });
    const unsafe = stats.unsafe ? `, ${stats.unsafe} unsafe entries skipped (${stats.unsafeEntries.slice(0, 3).join('; ')})` : '';
    const bad = Object.values(stats.replacements).reduce((a, b) => a + b, 0);
    const binary = stats.binary ? `, ${stats.binary} non-text members skipped (${stats.binaryEntries.slice(0, 5).join('; ')}${stats.binary > 5 ? '; …' : ''})` : '';
    ctx.progress.done(task, `${stats.docs} docs from ${stats.members} members${unsafe}${binary}${bad ? `, ${bad} invalid UTF-8 sequences replaced` : ''}`);
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
