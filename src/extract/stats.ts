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
  /** Members skipped as not text (`binary: "skip"`), and the first few of them with what they looked like. */
  binary: number;
  binaryEntries: string[];
  /** Invalid UTF-8 sequences replaced by U+FFFD, per member path (only members that had some). */
  replacements: Record<string, number>;
}

export function newStats(): ExtractStats {
  return { compressedBytes: 0, bytes: 0, members: 0, skipped: 0, unsafe: 0, unsafeEntries: [], docs: 0, binary: 0, binaryEntries: [], replacements: {} };
}

export function noteUnsafe(stats: ExtractStats, entry: string, why: string): void {
  stats.unsafe++;
  if (stats.unsafeEntries.length < 20) stats.unsafeEntries.push(`${entry} (${why})`);
}

export function noteBinary(stats: ExtractStats, entry: string): void {
  stats.binary++;
  if (stats.binaryEntries.length < 20) stats.binaryEntries.push(entry);
}
