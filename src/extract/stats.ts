/** What extraction saw, for the run summary. */
export interface ExtractStats {
  /** Compressed bytes read from the source files. */
  compressedBytes: number;
  /** Expanded bytes of every member (read or drained). */
  bytes: number;
  /** Members turned into documents. */
  members: number;
  /** Members no rule selected (drained unread). */
  skipped: number;
  /** Entries refused: `..` or absolute paths, symlinks, hard links, devices. */
  unsafe: number;
  /** The first few refused entries, for the warning. */
  unsafeEntries: string[];
  docs: number;
  /** Invalid UTF-8 sequences replaced by U+FFFD, per member path (only members that had some). */
  replacements: Record<string, number>;
}

export function newStats(): ExtractStats {
  return { compressedBytes: 0, bytes: 0, members: 0, skipped: 0, unsafe: 0, unsafeEntries: [], docs: 0, replacements: {} };
}

export function noteUnsafe(stats: ExtractStats, entry: string, why: string): void {
  stats.unsafe++;
  if (stats.unsafeEntries.length < 20) stats.unsafeEntries.push(`${entry} (${why})`);
}
