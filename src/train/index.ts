/**
 * The trainer (DESIGN §8): one child process that trains the registered models (models/: LSTM, GRU,
 * RNN, AWD-LSTM) on a task (task.ts: language model, classifier) with TensorFlow.js, fed batches
 * over IPC with credit-based flow control (PROTOCOL.md).
 *
 * This is the public `wordmill/train` entry. `estimateBytes` (memory.ts → params.ts) loads
 * TensorFlow.js, which takes about half a second to import, although only the trainer process
 * runs it. wordmill's own parent-side code (CLI, pipeline) therefore imports the TF-free modules
 * directly: start.ts, checkpoint.ts, detokenize.ts, prompt.ts, protocol.ts and types.ts.
 */
export type {
  FitOptions, FitResult, EpochMetrics, GenerateOptions, LrFindOptions, LrFindResult, StartOptions, TrainerClient, BatchSource,
} from './types.js';
export type { BackendChoice } from './protocol.js';
export { startTrainer } from './start.js';
export { detokenize } from './detokenize.js';
export { saveEncoder, loadEncoder } from './encoder.js';
export { ARCHS, checkArch, type Arch } from './models/names.js';
export { TASK_KINDS, taskInfo, type TaskKind, type ClassifierSpec } from './task.js';
export { resolveModel, AWD_DROPS, type ModelConfig, type TrainerModelSpec, type ModelExtras } from './config.js';
export { estimateBytes } from './memory.js';
export { checkpointFile, readCheckpoint } from './checkpoint.js';
export { scheduleAt, ONE_CYCLE } from './schedule.js';
