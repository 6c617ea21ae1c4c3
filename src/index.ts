/**
 * wordmill as a library: every stage of the dataflow, to compose with `stream/promises.pipeline`
 * in your own code (README "Using the stages").
 */
export * from './errors.js';
export type { Entry, Doc, LMBatch, ClsBatch } from './types.js';
export { type Stage, type StageContext, type Progress, silentProgress, defaultContext } from './stage.js';
export { check, validateOptions, z } from './schema/index.js';
export { pipelineSpecSchema } from './pipeline/spec.js';
export type * from './pipeline/spec.js';

// download → extract → documents
export * from './download/index.js';
export * from './extract/index.js';
// clean + tokenize (in-process) and the worker-pool stage
export * from './text/index.js';
export { tokenizeDocs, type TokenChunk, type PoolOptions } from './pool/pool.js';
// count → numericalize → token store
export * from './vocab/index.js';
export { fingerprint, canonicalJson, storeDir, openStore, TokenStore, StoreWriter, ensureStore, findStore, type SplitData } from './store/index.js';
// batch streams
export * from './batch/index.js';
// pipelines: specs, the embedded corpus, prepare
export { loadPipeline, catalogNames, PIPELINES_DIR } from './pipeline/load.js';
export { humanNumbersDocs, humanNumbersLines, numberToWords } from './pipeline/embedded.js';
export { prepare, type PrepareOptions, type PrepareResult } from './pipeline/prepare.js';
// The trainer (TensorFlow.js) is a separate entry so that importing the stages does not load it:
// `import { startTrainer } from 'wordmill/train'`.
