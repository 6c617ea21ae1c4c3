/**
 * Messages between the unigram trainer (main thread) and its worker threads
 * (workers/subword-train.ts). One request at a time per worker, answered in order; typed arrays
 * travel by transfer. Every reply is `{ ok: true, ... }` or `{ ok: false, error: ErrorData }` —
 * a worker's failure comes back as data, never as a dead thread.
 *
 *   main → worker                              worker → main
 *   { op: 'init', init: ShardInit }            { ok: true }                (lattices built)
 *   { op: 'expected', seeds, scores }          { ok: true, chunks: ChunkExpected[] }
 *   { op: 'prune', seeds, scores }             { ok: true, prune: PruneReply }
 *
 * `seeds` (Int32Array: seed id of each live piece) and `scores` (Float32Array) are the live pieces.
 */
import type { ErrorData } from '../../../errors.js';

/** A worker's share of the training data. */
export interface ShardInit {
  /** Every seed piece's text, by seed id (lattices are built against all of them). */
  seeds: string[];
  maxLength: number;
  /** Chunks of consecutive distinct words (and their counts) with their global chunk index. */
  chunks: Array<{ index: number; words: string[]; counts: Float64Array }>;
  /** This worker prunes for the seed ids `s` with `s % pieceMod === pieceRem`. */
  pieceMod: number;
  pieceRem: number;
}

export interface ChunkExpected {
  index: number;
  /** Live piece indices with a non-zero expected count in the chunk, and those counts. */
  ids: Int32Array;
  values: Float64Array;
  /** Σ count × log Z over the chunk's words. */
  objective: number;
}

export interface PruneReply {
  /** Best-path count of each live piece over the worker's words. */
  freq: Float64Array;
  /** `[piece, status, ...alternatives]` records: status -1 one segmentation, 0 not always kept, n > 0 then n alternatives. */
  records: Int32Array;
}

export type Request =
  | { op: 'init'; init: ShardInit }
  | { op: 'expected' | 'prune'; seeds: Int32Array; scores: Float32Array };

export type Reply =
  | { ok: true; chunks?: ChunkExpected[]; prune?: PruneReply }
  | { ok: false; error: ErrorData };
