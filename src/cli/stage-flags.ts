import { Option } from 'commander';
import { BATCH_KINDS } from '../batch/options.js';
import { redisUrlSchema } from '../cluster/url.js';
import { workerThreads } from '../pool/pool.js';
import { z } from '../schema/index.js';
import { RULE_SETS, textSchema } from '../text/options.js';
import { TOKENIZER_NAMES } from '../text/tokenizer.js';
import { BACKENDS, threadsTextSchema } from '../train/protocol.js';
import { SUGGEST_METHODS } from '../train/suggest.js';
import { TASK_KINDS } from '../train/task.js';
import { enumOption, flagArg, listArg, numberOption, schemaOption } from './flags.js';

/**
 * Flags whose allowed values belong to a stage: the names and rules come from the module that owns
 * them (the trainer's backends and tasks, the text stage's rules and tokenizers …), never a copy.
 */

export const backendOption = (description = 'tfjs backend (default: auto, the best available)'): Option =>
  enumOption('--backend <name>', description, BACKENDS, 'backend');

export const threadsOption = (): Option =>
  schemaOption('--threads <n>', 'CPU threads of the trainer\'s wasm backend: a number or auto (default: auto, every core)',
    threadsTextSchema).env('WORDMILL_THREADS');

export const replicasOption = (): Option =>
  schemaOption('--replicas <n>', 'data-parallel replicas of a language model on wasm, one thread each: a number or auto, one per thread (default: 1, the threads share each product)',
    threadsTextSchema).env('WORDMILL_REPLICAS');

export const taskOption = (): Option =>
  enumOption('--task <task>', 'what to train (default: classifier for a labelled corpus, else lm)', TASK_KINDS, 'task');

export const suggestOption = (): Option =>
  new Option('--suggest <methods>', `fastai's suggestion functions, comma-separated: ${SUGGEST_METHODS.join(', ')}`)
    .argParser(listArg('--suggest', SUGGEST_METHODS, 'suggestion method'))
    .default(['valley'], 'valley');

export const batchKindOption = (description: string): Option => enumOption('--kind <kind>', description, BATCH_KINDS, 'batch kind');

/** A rule set, one rule, or rules comma-separated (a spec's `text.rules` as a list). */
export const rulesOption = (description: string): Option =>
  schemaOption('--rules <rules>', `${description}: ${RULE_SETS.join(', ')}, or rule names comma-separated`,
    z.preprocess((v) => (typeof v === 'string' && v.includes(',') ? v.split(',').map((s) => s.trim()) : v), textSchema.shape.rules));

export const tokenizerOption = (description: string): Option =>
  new Option('--tokenizer <name>', description).choices(TOKENIZER_NAMES).argParser(flagArg('--tokenizer', textSchema.shape.tokenizer));

export const clusterOption = (description: string): Option => schemaOption('--cluster <url>', description, redisUrlSchema);

export const workersOption = (description = 'tokenizer worker threads (default: available parallelism)'): Option =>
  numberOption('-w, --workers <n>', description, workerThreads);
