import type { FileSlice } from '../extract/read-documents.js';
import type { MemberRule, TextSpec, VocabSpec } from '../pipeline/spec.js';

/**
 * The messages of the cluster boundary (BullMQ job data and return values), in one place; the flow
 * is described in src/cluster/PROTOCOL.md. Everything here is plain JSON.
 */

/** Queue names; `prefix` (default `wordmill`) separates installations sharing one Redis. */
export const SHARD_QUEUE = 'shards';
export const MERGE_QUEUE = 'merge';

/** One shard: a run of whole files, a range of one archive's members, or a byte range of a text file. */
export interface ShardPlan {
  index: number;
  /** Bytes to read (source bytes, or expanded member bytes): the progress bar's unit. */
  bytes: number;
  files: FileSlice[];
  /** The embedded corpus (one shard, no files). */
  embedded?: boolean;
  /** Content address of the shard result: same files/slices and text options → same result. */
  fingerprint: string;
}

export interface ShardJobData {
  /** The store fingerprint of the flow this shard belongs to (for messages and the fail-fast check). */
  store: string;
  shard: ShardPlan;
  shardCount: number;
  text: TextSpec;
  members: MemberRule[];
  /** The shared directory as the submitter sees it (a worker may map it with its own --shared). */
  shared: string;
}

export interface ShardJobResult {
  shard: number;
  reused: boolean;
  docs: number;
  tokens: number;
  seconds: number;
  worker: string;
}

export interface MergeJobData {
  pipeline: string;
  store: string;
  inputs: Record<string, unknown>;
  vocab: VocabSpec;
  /** Shard result fingerprints in corpus order: the merge reads them in this order, whatever the completion order. */
  shards: string[];
  shared: string;
}

export interface MergeJobResult {
  store: string;
  cached: boolean;
  seconds: number;
  worker: string;
}

/** The job ids: one merge per store fingerprint and submission, shard ids under it. */
export const mergeJobId = (store: string, submission: string): string => `${store}.${submission}`;
export const shardJobId = (mergeId: string, index: number): string => `${mergeId}.s${index}`;

/** A failed job's reason carries the error code first, so the submitter can report it unchanged. */
export const encodeFailure = (code: string, message: string): string => `[${code}] ${message}`;
export function decodeFailure(reason: string): { code: string; message: string } | undefined {
  const m = /^\[(WM_ERR_[A-Z_]+)\] ([\s\S]*)$/.exec(reason);
  return m ? { code: m[1], message: m[2] } : undefined;
}
