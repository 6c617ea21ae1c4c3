import picomatch from 'picomatch';
import { WordmillError } from '../errors.js';
import type { MemberRule } from '../pipeline/spec.js';

const MODES = new Set(['file', 'lines', 'wikitext-articles', 'stream', 'lines-joined', 'csv', 'tsv', 'jsonl']);
const TABLES = new Set(['csv', 'tsv', 'jsonl']);
const RULE_KEYS = new Set(['glob', 'split', 'label', 'docs', 'joiner', 'stripTags', 'every', 'offset', 'text', 'header', 'valid', 'binary']);
const isColumn = (c: unknown) => (typeof c === 'string' && c !== '') || (Number.isInteger(c) && (c as number) >= 0);
const notYet = (where: string, option: string, what: string) =>
  new WordmillError('WM_ERR_SPEC', `${where}: "${option}" (${what}) is part of the spec format but not yet supported; single-label classification only for now`, { option: `${where}.${option}` });

/** The label, text, header and valid keys of one rule (table columns, valid split). */
function checkLabelling(r: MemberRule, where: string, bad: (why: string) => WordmillError): void {
  const table = TABLES.has(r.docs);
  if (typeof r.label === 'object' && r.label !== null) {
    if (!table) throw bad('"label" as a column needs a csv, tsv or jsonl member; give a fixed label as a string');
    for (const k of Object.keys(r.label)) if (!['column', 'delim', 'kind'].includes(k)) throw bad(`"label.${k}" is unknown (known: column, delim, kind)`);
    if (!isColumn(r.label.column)) throw bad('"label.column" must be a column name or a position >= 0');
    if (r.label.delim !== undefined) throw notYet(where, 'label.delim', "fastai's label_delim: multi-label targets");
    if (r.label.kind === 'multi-category') throw notYet(where, 'label.kind', 'multi-category targets');
    if (r.label.kind === 'regression') throw notYet(where, 'label.kind', 'regression targets');
    if (r.label.kind !== undefined && r.label.kind !== 'category') throw bad('"label.kind" must be one of category, multi-category, regression');
  } else if (r.label !== undefined && (typeof r.label !== 'string' || r.label === '')) {
    throw bad('"label" must be a non-empty string or { "column": … }');
  }
  if (r.text !== undefined) {
    if (!table) throw bad('"text.column" needs a csv, tsv or jsonl member');
    if (typeof r.text !== 'object' || r.text === null || Object.keys(r.text).some((k) => k !== 'column') || !isColumn(r.text.column)) {
      throw bad('"text" must be { "column": <name or position> }');
    }
  }
  if (r.header !== undefined && (!table || typeof r.header !== 'boolean')) throw bad('"header" must be true or false, on a csv or tsv member');
  const v = r.valid;
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null) throw bad('"valid" must be { "pct": …, "seed": … } or { "column": … }');
  for (const k of Object.keys(v)) if (!['column', 'pct', 'seed', 'split'].includes(k)) throw bad(`"valid.${k}" is unknown (known: column, pct, seed, split)`);
  if (v.column !== undefined && !table) throw bad('"valid.column" needs a csv, tsv or jsonl member');
  if (v.column !== undefined && !isColumn(v.column)) throw bad('"valid.column" must be a column name or a position >= 0');
  if (v.column !== undefined && (v.pct !== undefined || v.seed !== undefined)) throw bad('give "valid.column" or "valid.pct", not both');
  if (v.pct !== undefined && !(typeof v.pct === 'number' && v.pct >= 0 && v.pct <= 1)) throw bad('"valid.pct" must be a number in [0, 1]');
  if (v.seed !== undefined && !Number.isInteger(v.seed)) throw bad('"valid.seed" must be an integer');
  if (v.split !== undefined && (typeof v.split !== 'string' || !v.split || v.split === r.split)) throw bad('"valid.split" must be a split name other than "split"');
}

export function checkRules(rules: MemberRule[]): void {
  if (!Array.isArray(rules) || rules.length === 0) throw new WordmillError('WM_ERR_SPEC', 'source.members: at least one member rule is needed');
  rules.forEach((r, i) => {
    const where = `source.members[${i}]`;
    const bad = (why: string) => new WordmillError('WM_ERR_SPEC', `${where}: ${why}`, { option: where });
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) throw bad(`"${k}" is unknown (known: ${[...RULE_KEYS].join(', ')})`);
    if (typeof r.glob !== 'string' || !r.glob) throw bad('"glob" must be a non-empty string');
    if (typeof r.split !== 'string' || !r.split) throw bad('"split" must be a non-empty string');
    if (!MODES.has(r.docs)) throw bad(`"docs" must be one of ${[...MODES].join(', ')} (got ${JSON.stringify(r.docs)})`);
    if (r.binary !== undefined && r.binary !== 'error' && r.binary !== 'skip') throw bad(`"binary" must be "error" or "skip" (got ${JSON.stringify(r.binary)})`);
    if (r.every !== undefined && !(Number.isInteger(r.every) && r.every >= 1)) throw bad('"every" must be an integer >= 1');
    if (r.offset !== undefined && !(Number.isInteger(r.offset) && r.offset >= 0 && r.offset < (r.every ?? 1))) {
      throw bad('"offset" must be an integer in [0, every)');
    }
    checkLabelling(r, where, bad);
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

/**
 * A files source's member rules with its `binary` policy as the default of each rule that sets none.
 * The policy is not part of any fingerprint: it only decides whether a source with non-text members
 * fails or is read without them, and a failed source has no output to reuse.
 */
export function sourceRules(source: { members: MemberRule[]; binary?: 'error' | 'skip' }): MemberRule[] {
  if (source.binary === undefined) return source.members;
  if (source.binary !== 'error' && source.binary !== 'skip') {
    throw new WordmillError('WM_ERR_SPEC', `source.binary must be "error" or "skip" (got ${JSON.stringify(source.binary)})`, { option: 'source.binary' });
  }
  return source.members.map((r) => (r.binary === undefined ? { ...r, binary: source.binary } : r));
}
