import pLimit from 'p-limit';
import type { ResolvedFile } from '../download/types.js';
import type { MemberRule } from '../pipeline/spec.js';
import { defaultContext, type StageContext } from '../stage.js';
import type { Doc } from '../types.js';
import { toDocuments } from './documents.js';
import { ReadAhead } from './read-ahead.js';
import { entries } from './entries.js';
import { extractConfig, type ExtractOptions } from './options.js';
import { Selector } from './select.js';
import { newStats, type ExtractStats } from './stats.js';

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
export function readDocuments(files: ResolvedFile[], members: MemberRule[], opts: ExtractOptions = {},
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
        const es = entries(await ahead.take(i), { ...cfg, name: f.name, stats });
        const source = f.directory ? f.path : f.name;
        for await (const d of toDocuments(es, selector, { crlf: cfg.crlf, streamChunk: cfg.streamChunk, binary: cfg.binary as 'error' | 'skip', source, stats, continueCounts: true, signal: ctx.signal })) {
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
