import picomatch from 'picomatch';
import { check, z } from '../schema/index.js';
import { memberRuleSchema, type MemberRule } from './options.js';

const rulesSchema = z.object({ source: z.object({ members: z.array(memberRuleSchema).min(1) }) });

/** Member rules given to the library directly are checked with the spec's own schema (extract/options.ts). */
export function checkRules(rules: MemberRule[]): void {
  check(rulesSchema, { source: { members: rules } }, 'member rules', 'WM_ERR_SPEC');
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

/**
 * The member rules with the source's `binary` policy filled in where a rule has none (validated with
 * the spec). The policy is not part of any fingerprint: it only decides whether a source with
 * non-text members fails or is read without them, and a failed source has no output to reuse.
 */
export function sourceRules(source: { members: MemberRule[]; binary?: 'error' | 'skip' }): MemberRule[] {
  if (source.binary === undefined) return source.members;
  return source.members.map((r) => (r.binary === undefined ? { ...r, binary: source.binary } : r));
}
