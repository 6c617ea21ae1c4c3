import { named, nonEmpty, nonNegInt, posInt, probability, validateOptions, z } from '../schema/index.js';
import { SAFE_NAME, SAFE_NAME_RULE } from '../paths.js';
import type { ExtractStats } from './stats.js';

/** What a member that is not text does: fail naming it, or get skipped and listed in the summary. */
export const BINARY_POLICIES = ['error', 'skip'] as const;

/** Archive bounds and text decoding; every public entry point validates these at the boundary. */
export const extractSchema = z.strictObject({
  /** Total expanded bytes per source file (archive bombs); 64 GiB leaves room for WikiText-103 many times. */
  maxBytes: z.number().min(1).default(64 * 2 ** 30),
  /** Expanded / compressed bytes; text gzips 3–10×, bombs 1000×. */
  maxRatio: z.number().min(1).default(200),
  /** The ratio is only checked past this many expanded bytes, so tiny repetitive files pass. */
  ratioMinBytes: z.number().min(0).default(32 * 2 ** 20),
  /** Universal newlines: CRLF and lone CR become LF (what fastai's Python readers see). */
  crlf: z.boolean().default(false),
  /** `stream` / `lines-joined` members longer than this (chars) are cut at line ends into several docs. */
  streamChunk: z.int().min(1).default(1 << 20),
  /** A member that is not text (magic number, NUL, invalid-sequence or control density): fail naming it, or skip it and list it in the summary. */
  binary: named(BINARY_POLICIES, 'binary policy').default('error'),
  /**
   * A document longer than this (chars) is read in pieces that keep its id (Doc.piece), never held
   * whole: `docs: "file"` members, `lines` lines, WikiText articles. The text stage cuts them again
   * where tokens cannot change, so the tokens are those of the whole document.
   */
  pieceChars: z.int().min(1024).default(1 << 20),
  /** Member name for a plain (non-archive) input; defaults to the file name. */
  name: z.string().optional(),
  /** Where counters go (bytes, members, unsafe entries, U+FFFD per file); one is made when absent. */
  stats: z.unknown().optional(),
});

export type ExtractOptions = Omit<z.input<typeof extractSchema>, 'stats'> & { stats?: ExtractStats };
export type ExtractConfig = Omit<z.output<typeof extractSchema>, 'stats'> & { stats?: ExtractStats };

export function extractConfig(where: string, given: object = {}): ExtractConfig {
  return validateOptions(where, extractSchema, given) as ExtractConfig;
}

/** How one archive member becomes documents. */
export const DOC_MODES = [
  'file', // the whole member is one document (IMDB)
  'lines', // one document per non-empty line (PTB)
  'wikitext-articles', // split on top-level ` = Title = ` headings (fastai's WikiText handling)
  'stream', // the whole member as one stream (torchtext WikiText)
  'lines-joined', // lines joined with `joiner` into one stream (fastai's Human Numbers)
  'csv', // one document per row, text and label from columns (fastai's from_csv / from_df)
  'tsv', // the same, tab-separated
  'jsonl', // one document per JSON object line, text and label from keys (Hugging Face datasets' JSON Lines)
] as const;
export type DocMode = (typeof DOC_MODES)[number];
const TABLE_MODES: readonly DocMode[] = ['csv', 'tsv', 'jsonl'];

/** A split name becomes a file name in the store. */
export const splitName = z.string().regex(SAFE_NAME, { error: (iss) => `must be ${SAFE_NAME_RULE} (got ${JSON.stringify(iss.input)})` });

/** A column by header name, or by position (0-based) in a table without a header. */
const column = z.union([nonEmpty, nonNegInt], { error: 'must be a column name or a position >= 0' });
export type Column = z.output<typeof column>;

/**
 * Where a table member's label comes from. `delim` (fastai's `label_delim`: multi-label) and
 * `kind: 'regression'` (a float target) are part of the format but refused for now.
 */
const labelColumn = z.strictObject({
  column,
  delim: z.string().optional(),
  kind: named(['category', 'multi-category', 'regression'], 'label kind').optional(),
});
export type LabelColumn = z.output<typeof labelColumn>;

/**
 * How documents of a rule are moved to a validation split: by a boolean column (fastai's
 * `valid_col`), or by `pct` (fastai's `valid_pct`, default 0.2 where a labelled corpus has no
 * validation folder or column): a document goes to `split` (default `valid`) when the first 32 bits
 * of sha256(`seed`, its id) fall below pct × 2³² — the same documents whatever the order or worker
 * count, about `pct` of them.
 */
const validRule = z.strictObject({ column: column.optional(), pct: probability.optional(), seed: z.int().optional(), split: splitName.optional() });
export type ValidRule = z.output<typeof validRule>;

const notYet = (option: string, what: string) =>
  `"${option}" (${what}) is part of the spec format but not yet supported; single-label classification only for now`;

/** Which archive members a source reads, into which split, and how each becomes documents. */
export const memberRuleSchema = z.strictObject({
  /** Glob over member paths (picomatch syntax), e.g. `aclImdb/train/pos/*.txt`. */
  glob: nonEmpty,
  split: splitName,
  /** A fixed label for every document of the rule (a `train/<label>/` folder), or a table column. */
  label: z.union([nonEmpty, labelColumn]).optional(),
  docs: named(DOC_MODES, 'docs mode'),
  /** Table members (`csv`, `tsv`, `jsonl`): the text column (default `text`, or 0 without a header). */
  text: z.strictObject({ column }).optional(),
  /** Table members: whether the first row is a header (default true). */
  header: z.boolean().optional(),
  valid: validRule.optional(),
  /** For `lines-joined`: the separator (Human Numbers uses ' . '). */
  joiner: z.string().optional(),
  /** Strip `word/tag` POS tags (Brown). */
  stripTags: z.boolean().optional(),
  /**
   * Keep only every `every`-th member this glob matches, counted in sorted path order, starting at
   * `offset` (fastai's Brown parity split: valid = `every: 10, offset: 9`). Members the filter drops
   * fall through to the next rule.
   */
  every: posInt.optional(),
  offset: nonNegInt.optional(),
  /** This rule's members that are not text: `error` (default, naming the member) or `skip` (listed in the summary). */
  binary: named(BINARY_POLICIES, 'binary policy').optional(),
}).superRefine((r, ctx) => {
  const fail = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const table = TABLE_MODES.includes(r.docs);
  if (typeof r.label === 'object') {
    if (!table) fail(['label'], '"label" as a column needs a csv, tsv or jsonl member; give a fixed label as a string');
    if (r.label.delim !== undefined) fail(['label', 'delim'], notYet('label.delim', "fastai's label_delim: multi-label targets"));
    if (r.label.kind === 'multi-category') fail(['label', 'kind'], notYet('label.kind', 'multi-category targets'));
    if (r.label.kind === 'regression') fail(['label', 'kind'], notYet('label.kind', 'regression targets'));
  }
  if (r.text !== undefined && !table) fail(['text'], '"text.column" needs a csv, tsv or jsonl member');
  if (r.header !== undefined && !table) fail(['header'], 'only applies to csv or tsv members');
  if (r.valid?.column !== undefined && !table) fail(['valid', 'column'], 'needs a csv, tsv or jsonl member');
  if (r.valid?.column !== undefined && (r.valid.pct !== undefined || r.valid.seed !== undefined)) fail(['valid'], 'give "valid.column" or "valid.pct", not both');
  if (r.valid?.split !== undefined && r.valid.split === r.split) fail(['valid', 'split'], 'must be a split name other than "split"');
  if (r.joiner !== undefined && r.docs !== 'lines-joined') fail(['joiner'], `only applies to docs "lines-joined" (this rule has docs "${r.docs}")`);
  if (r.offset !== undefined && (r.every === undefined || r.offset >= r.every)) {
    fail(['offset'], r.every === undefined ? 'needs "every"' : `must be < every (${r.every}) (got ${r.offset})`);
  }
});

export type MemberRule = z.output<typeof memberRuleSchema>;

/** The splits a list of rules fills: each rule's split and, with `valid`, its validation split. */
export const splitsFilled = (rules: readonly MemberRule[]): string[] =>
  [...new Set(rules.flatMap((r) => (r.valid ? [r.split, r.valid.split ?? 'valid'] : [r.split])))];
