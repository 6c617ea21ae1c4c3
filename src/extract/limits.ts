import { WordmillError } from '../errors.js';
import type { ExtractConfig } from './options.js';
import type { ExtractStats } from './stats.js';

/** Expansion accounting for one source file: total bytes and the expanded/compressed ratio. */
export class Budget {
  expanded = 0;
  compressed = 0;
  constructor(private cfg: ExtractConfig, private stats: ExtractStats, readonly source: string) {}

  read(n: number): void {
    this.compressed += n;
    this.stats.compressedBytes += n;
  }

  /** Refuse a member whose declared size alone would break the bound, before reading a byte of it. */
  declare(size: number | undefined, member: string): void {
    if (size !== undefined && this.expanded + size > this.cfg.maxBytes) {
      throw this.error(member, `declares ${size} bytes, over the limit of ${this.cfg.maxBytes} expanded bytes`);
    }
  }

  add(n: number, member: string): void {
    this.expanded += n;
    this.stats.bytes += n;
    if (this.expanded > this.cfg.maxBytes) {
      throw this.error(member, `expands past the limit of ${this.cfg.maxBytes} bytes`);
    }
    if (this.expanded > this.cfg.ratioMinBytes && this.expanded > this.cfg.maxRatio * Math.max(1, this.compressed)) {
      throw this.error(member, `expands ${Math.round(this.expanded / Math.max(1, this.compressed))}× (limit ${this.cfg.maxRatio}×)`);
    }
  }

  private error(member: string, why: string): WordmillError {
    return new WordmillError('WM_ERR_ARCHIVE_LIMIT', `${this.source}: member ${member} ${why} (archive bomb?)`,
      { path: this.source, member, expanded: this.expanded, compressed: this.compressed });
  }
}
