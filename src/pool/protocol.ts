import type { ErrorData } from '../errors.js';
import type { Piece } from '../text/processor.js';
import type { ResolvedText } from '../text/resolve.js';

/** What the main thread sends a tokenize worker: a chunk of documents and the text spec. */
export interface ChunkTask {
  /** Resolved on the main thread (resolveTextSpec), so a worker never loads the schema layer. */
  spec: ResolvedText;
  ids: string[];
  texts: string[];
  /** Where each text lies in its document, when some are pieces of a long one (null: a whole document). */
  pieces?: (Piece | null)[];
}

/**
 * What a worker returns. Errors come back as data (not a thrown exception) so the document that
 * failed is named; `ids` and `lengths` are transferred, never copied.
 *
 * Each worker keeps one dictionary for its lifetime: `ids` are in that worker's id space, and
 * `fresh` lists only the tokens this chunk added to it (ids `base`, `base + 1`, …, in first-seen
 * order). A token's string therefore crosses the thread boundary once per worker, not once per
 * chunk: interning the strings of every chunk on the main thread cost ~0.5 µs per distinct token
 * per chunk (fresh strings must be hashed and compared), a third of the main thread's time.
 */
export type ChunkResult =
  | { ok: true; worker: number; base: number; fresh: string[]; ids: Uint32Array; lengths: Uint32Array }
  /** `error` is WordmillError.toJSON (details.docId names the document); fromJSON rebuilds it. */
  | { ok: false; error: ErrorData };
