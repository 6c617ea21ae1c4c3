import { WordmillError } from '../../errors.js';
import type { ThreadsChoice } from '../protocol.js';

/**
 * How many replicas a language-model job trains on. `auto`: one per thread where the trainer runs
 * on wasm with two or more threads, since each replica is a single-threaded wasm backend and on
 * every bench configuration they beat tfjs's threaded binary on the same cores (BENCHMARKS.md,
 * "Data-parallel replicas"); else none. A number asks for exactly that many, on wasm only.
 */
export function replicaCount(setting: ThreadsChoice, backend: string, threads: number): number {
  if (setting === 'auto') return backend === 'wasm' && threads > 1 ? threads : 1;
  if (setting > 1 && backend !== 'wasm') {
    throw new WordmillError('WM_ERR_OPTION', `replicas (${setting}) run on wasm, but the trainer's backend is ${backend}: use --replicas 1, or --backend wasm`,
      { option: 'replicas', expected: 'the wasm backend', actual: backend });
  }
  return setting;
}
