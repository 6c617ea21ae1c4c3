import { named, nonEmpty, nonNegInt, posInt, validateOptions, z } from '../schema/index.js';
import { SAFE_NAME, SAFE_NAME_RULE } from '../paths.js';
import type { ExtractStats } from './stats.js';

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
] as const;
export type DocMode = (typeof DOC_MODES)[number];

/** A split name becomes a file name in the store. */
export const splitName = z.string().regex(SAFE_NAME, { error: (iss) => `must be ${SAFE_NAME_RULE} (got ${JSON.stringify(iss.input)})` });

/** Which archive members a source reads, into which split, and how each becomes documents. */
export const memberRuleSchema = z.strictObject({
  /** Glob over member paths (picomatch syntax), e.g. `aclImdb/train/pos/*.txt`. */
  glob: nonEmpty,
  split: splitName,
  label: nonEmpty.optional(),
  docs: named(DOC_MODES, 'docs mode'),
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
}).superRefine((r, ctx) => {
  if (r.joiner !== undefined && r.docs !== 'lines-joined') {
    ctx.addIssue({ code: 'custom', path: ['joiner'], message: `only applies to docs "lines-joined" (this rule has docs "${r.docs}")` });
  }
  if (r.offset !== undefined && (r.every === undefined || r.offset >= r.every)) {
    ctx.addIssue({ code: 'custom', path: ['offset'], message: r.every === undefined ? 'needs "every"' : `must be < every (${r.every}) (got ${r.offset})` });
  }
});

export type MemberRule = z.output<typeof memberRuleSchema>;
