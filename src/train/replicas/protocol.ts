import type { ErrorData } from '../../errors.js';
import type { ModelConfig } from '../config.js';
import type { DropoutSpec } from '../dropout.js';
import type { LmPart } from '../tasks/lm-part.js';

/**
 * Messages between the trainer's main thread and its replicas (worker threads, one wasm backend
 * each); the order is in ../PROTOCOL.md, "Replicas". Weights travel through one SharedArrayBuffer
 * the main thread writes before each step, gradients through one per part, which the replicas
 * then sum together, a range each; states are transferred.
 */

/** One state tensor's rows (row-major [rows, dim]). */
export interface Rows { data: Float32Array; shape: [number, number] }

/** A model's weights in the shared buffer: parameter `names[i]` at float offset `offsets[i]`. */
export interface ModelLayout {
  key: string; config: ModelConfig; names: string[]; shapes: number[][]; offsets: number[]; weights: SharedArrayBuffer;
}

export type ToReplica =
  /** A new model: the replica drops the old one and builds variables for this layout. */
  | { type: 'model'; layout: ModelLayout }
  /**
   * The gradients of one part. `version` counts weight writes: a replica copies the shared
   * weights into its variables once per version, however many parts of that step it runs.
   */
  | { type: 'part'; id: number; key: string; version: number; part: LmPart; state: Rows[][]; drop: DropoutSpec; trainable?: string[]; chunkRows?: number;
    /** Where the part's gradients go, at the layout's offsets (one buffer per part of a step). */
    grads: SharedArrayBuffer }
  /**
   * After every part of a step: sum floats [from, to) of the parts' gradient buffers (`grads`, in
   * part order) into the first (reduce.ts). The ranges of a step are disjoint, one per replica.
   */
  | { type: 'reduce'; id: number; grads: SharedArrayBuffer[]; from: number; to: number };

export type FromReplica =
  | { type: 'ready'; device: string }
  /** The part's weighted loss, the parameters whose gradients it wrote, and its rows of the new state. */
  | { type: 'done'; id: number; loss: number; names: string[]; state: Rows[][] }
  /** The range of a `reduce` is summed. */
  | { type: 'reduced'; id: number }
  /** id 0: the replica could not start. Errors are data (WordmillError.toJSON). */
  | { type: 'error'; id: number; error: ErrorData };
