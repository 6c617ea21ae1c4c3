import { createHash } from 'node:crypto';
import type { MemberRule } from '../pipeline/spec.js';

/** fastai's RandomSplitter default (`valid_pct=0.2`) and the seed wordmill's catalog uses. */
export const DEFAULT_VALID_PCT = 0.2;
export const DEFAULT_VALID_SEED = 42;

/**
 * Whether document `id` falls in the `pct` share: the first 32 bits of sha256(seed NUL id) below
 * pct × 2³². A hash rather than fastai's permutation of all indices so that the split needs no count
 * up front (rows stream) and does not move when documents are added, reordered or tokenized by
 * another number of workers; the share is then about `pct` (binomial), not exactly ⌊pct·n⌋.
 */
export function inValidShare(id: string, pct: number, seed: number): boolean {
  if (pct <= 0) return false;
  if (pct >= 1) return true;
  const h = createHash('sha256').update(`${seed}\0${id}`).digest();
  return h.readUInt32BE(0) < pct * 2 ** 32;
}

/** The split a document of `rule` goes to, given its id and (for tables) its valid-column cell. */
export function splitOf(rule: MemberRule, id: string, validCell?: boolean): string {
  const v = rule.valid;
  if (!v) return rule.split;
  const to = v.split ?? 'valid';
  if (v.column !== undefined) return validCell ? to : rule.split;
  return inValidShare(id, v.pct ?? DEFAULT_VALID_PCT, v.seed ?? DEFAULT_VALID_SEED) ? to : rule.split;
}
