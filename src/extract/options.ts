import { validateOptions, type Options } from '../options.js';
import type { ExtractStats } from './stats.js';

/** Archive bounds and text decoding; every public entry point validates these at the boundary. */
export const extractSchema = {
  /** Total expanded bytes per source file (archive bombs); 64 GiB leaves room for WikiText-103 many times. */
  maxBytes: { type: 'number', default: 64 * 2 ** 30, min: 1 },
  /** Expanded / compressed bytes; text gzips 3–10×, bombs 1000×. */
  maxRatio: { type: 'number', default: 200, min: 1 },
  /** The ratio is only checked past this many expanded bytes, so tiny repetitive files pass. */
  ratioMinBytes: { type: 'number', default: 32 * 2 ** 20, min: 0 },
  /** Universal newlines: CRLF and lone CR become LF (what fastai's Python readers see). */
  crlf: { type: 'boolean', default: false },
  /** `stream` / `lines-joined` members longer than this (chars) are cut at line ends into several docs. */
  streamChunk: { type: 'number', default: 1 << 20, min: 1, integer: true },
  /** A member that is not text (magic number, NUL, invalid-sequence or control density): fail naming it, or skip it and list it in the summary. */
  binary: { type: 'string', values: ['error', 'skip'], default: 'error' },
  /**
   * A document longer than this (chars) is read in pieces that keep its id (Doc.piece), never held
   * whole: `docs: "file"` members, `lines` lines, WikiText articles. The text stage cuts them again
   * where tokens cannot change, so the tokens are those of the whole document.
   */
  pieceChars: { type: 'number', default: 1 << 20, min: 1024, integer: true },
  /** Member name for a plain (non-archive) input; defaults to the file name. */
  name: { type: 'string' },
  /** Where counters go (bytes, members, unsafe entries, U+FFFD per file); one is made when absent. */
  stats: { type: 'any' },
} as const;

export type ExtractOptions = Partial<Omit<Options<typeof extractSchema>, 'stats'>> & { stats?: ExtractStats };
export type ExtractConfig = Options<typeof extractSchema> & { name?: string; stats?: ExtractStats };

export function extractConfig(where: string, given: object = {}): ExtractConfig {
  return validateOptions(where, extractSchema, given) as ExtractConfig;
}
