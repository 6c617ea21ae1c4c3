import { createBatchStream, LM_BATCH_KINDS, type BatchStream, type TokenSplit } from '../batch/index.js';
import { WordmillError } from '../errors.js';
import type { LMBatch } from '../types.js';
import type { PipelineSpec } from './spec.js';

/**
 * The spec's language-model batch stream over one split. The `batch` section holds exactly the
 * kind's options (its schema refuses others), so all of them are passed on; only a training split
 * shuffles.
 */
export function lmStream(spec: PipelineSpec, split: TokenSplit, train: boolean): BatchStream<LMBatch> {
  const { kind, ...options } = spec.batch;
  if (!(LM_BATCH_KINDS as readonly string[]).includes(kind)) {
    // The spec schema refuses this at load time; this guards direct callers.
    throw new WordmillError('WM_ERR_OPTION', `training a language model needs a language-model batch kind, not "${kind}"`, { option: 'batch.kind' });
  }
  if ('shuffle' in options) options.shuffle = train && options.shuffle;
  return createBatchStream(kind, split, options) as BatchStream<LMBatch>;
}

/** One epoch of `stream`, from batch `start` (the stream is positioned, not replayed). */
export function epochOf<B>(stream: BatchStream<B>, epoch: number, start: number): Iterable<B> {
  stream.resume({ ...stream.state(), epoch, batch: start });
  return stream;
}
