import { BATCH_KINDS, createBatchStream, type BatchKind, type BatchStream, type TokenSplit } from '../batch/index.js';
import { WordmillError } from '../errors.js';
import type { LMBatch } from '../types.js';
import type { PipelineSpec } from './spec.js';

/** Every batch kind but sortish, which yields classifier batches (whole documents), not LM windows. */
const LM_KINDS = new Set<BatchKind>(BATCH_KINDS.filter((k) => k !== 'sortish'));

/** The spec's language-model batch stream over one split; `train` turns on shuffling where the kind has it. */
export function lmStream(spec: PipelineSpec, split: TokenSplit, train: boolean): BatchStream<LMBatch> {
  if (!LM_KINDS.has(spec.batch.kind)) {
    throw new WordmillError('WM_ERR_OPTION', `training a language model needs a language-model batch kind, not "${spec.batch.kind}"`, { option: 'batch.kind' });
  }
  const { kind, bs, seqLen, seed } = spec.batch;
  // Only fastai's LMDataLoader shuffles documents; torchtext's BPTTIterator has no randomness at all.
  const opts = kind === 'lm' ? { bs, seqLen, seed, shuffle: train && (spec.batch.shuffle ?? true) }
    : kind === 'bptt' ? { bs, seqLen } : { bs, seqLen, seed };
  return createBatchStream(kind, split, opts) as BatchStream<LMBatch>;
}

/** One epoch of `stream`, from batch `start` (the stream is positioned, not replayed). */
export function epochOf<B>(stream: BatchStream<B>, epoch: number, start: number): Iterable<B> {
  stream.resume({ ...stream.state(), epoch, batch: start });
  return stream;
}
