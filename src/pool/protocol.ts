import type { TextSpec } from '../pipeline/spec.js';
import type { ErrorCode } from '../errors.js';

/** What the main thread sends a tokenize worker: a chunk of documents and the text spec. */
export interface ChunkTask {
  spec: TextSpec;
  ids: string[];
  texts: string[];
}

/**
 * What a worker returns. Errors come back as data (not a thrown exception) so the document that
 * failed is named; `ids` and `lengths` are transferred, never copied. `distinct` holds the chunk's
 * distinct tokens in first-seen order, and `ids` indexes into it: strings cross the thread
 * boundary once per chunk, not once per occurrence.
 */
export type ChunkResult =
  | { ok: true; distinct: string[]; ids: Uint32Array; lengths: Uint32Array }
  | { ok: false; error: { code: ErrorCode; message: string; docId: string } };
