import picomatch from 'picomatch';
import { WordmillError } from '../errors.js';
import type { MemberRule } from '../pipeline/spec.js';

const MODES = new Set(['file', 'lines', 'wikitext-articles', 'stream', 'lines-joined']);

export function checkRules(rules: MemberRule[]): void {
  if (!Array.isArray(rules) || rules.length === 0) throw new WordmillError('WM_ERR_SPEC', 'source.members: at least one member rule is needed');
  rules.forEach((r, i) => {
    const where = `source.members[${i}]`;
    const bad = (why: string) => new WordmillError('WM_ERR_SPEC', `${where}: ${why}`, { option: where });
    if (typeof r.glob !== 'string' || !r.glob) throw bad('"glob" must be a non-empty string');
    if (typeof r.split !== 'string' || !r.split) throw bad('"split" must be a non-empty string');
    if (!MODES.has(r.docs)) throw bad(`"docs" must be one of ${[...MODES].join(', ')} (got ${JSON.stringify(r.docs)})`);
    if (r.binary !== undefined && r.binary !== 'error' && r.binary !== 'skip') throw bad(`"binary" must be "error" or "skip" (got ${JSON.stringify(r.binary)})`);
    if (r.every !== undefined && !(Number.isInteger(r.every) && r.every >= 1)) throw bad('"every" must be an integer >= 1');
    if (r.offset !== undefined && !(Number.isInteger(r.offset) && r.offset >= 0 && r.offset < (r.every ?? 1))) {
      throw bad('"offset" must be an integer in [0, every)');
    }
  });
}

/**
 * First rule whose glob matches and whose `every`/`offset` filter keeps the member. The filter counts
 * in sorted path order when a listing of the archive is given (readDocuments makes one), else in
 * arrival order.
 */
export class Selector {
  private matchers: ((p: string) => boolean)[];
  private kept: (Set<string> | undefined)[] = [];
  private seen: number[] = [];
  constructor(private rules: MemberRule[], listing?: string[]) {
    checkRules(rules);
    this.matchers = rules.map((r) => picomatch(r.glob, { dot: true }));
    this.reset(listing);
  }

  /** `every`/`offset` count within one archive: start over for the next one (globs stay compiled). */
  reset(listing?: string[]): this {
    this.seen = this.rules.map(() => 0);
    this.kept = this.rules.map((r, i) => {
      if (r.every === undefined || !listing) return undefined;
      const sorted = listing.filter((p) => this.matchers[i](p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return new Set(sorted.filter((_, k) => k % r.every! === (r.offset ?? 0)));
    });
    return this;
  }

  match(path: string): MemberRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.matchers[i](path)) continue;
      const r = this.rules[i];
      if (r.every === undefined) return r;
      const keep = this.kept[i] ? this.kept[i]!.has(path) : this.seen[i] % r.every === (r.offset ?? 0);
      this.seen[i]++;
      if (keep) return r;
    }
    return undefined;
  }
}
