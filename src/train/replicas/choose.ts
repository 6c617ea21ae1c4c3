import { WordmillError } from '../../errors.js';
import type { ThreadsChoice } from '../protocol.js';

/**
 * How many replicas a language-model job trains on: `auto` is one per thread, a number that many.
 * Not the default (1: tfjs's threaded binary shares each product among the threads). On 2 cores
 * the two measured level for T2A and the AWD-LSTM and replicas a little ahead for the small T1
 * (BENCHMARKS.md, "Data-parallel replicas"), and only the threads give the one-thread results bit
 * for bit; replicas give those of the batch in that many micro-batches.
 */
export function replicaCount(setting: ThreadsChoice, threads: number): number {
  return setting === 'auto' ? threads : setting;
}

/** Each replica is a single-threaded wasm backend, so the trainer's own must be wasm too. */
export function replicasNeedWasm(count: number, backend: string): void {
  if (count > 1 && backend !== 'wasm') {
    throw new WordmillError('WM_ERR_OPTION', `replicas (${count}) run on wasm, but the trainer's backend is ${backend}: use --replicas 1, or --backend wasm`,
      { option: 'replicas', expected: 'the wasm backend', actual: backend });
  }
}
