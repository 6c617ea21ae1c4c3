import path from 'node:path';
import type { Command } from 'commander';
import { WordmillError } from '../../errors.js';
import { loadPipeline } from '../../pipeline/load.js';
import { submitPrepare } from '../../cluster/submit.js';
import { prepare, type PrepareResult } from '../../pipeline/prepare.js';
import { trainOnStore } from '../../pipeline/train.js';
import { classifyOnStore } from '../../pipeline/classify.js';
import type { PipelineSpec, TextSpec } from '../../pipeline/spec.js';
import { reportClassifier } from './classify.js';
import { cacheRoot, type TokenStore } from '../../store/index.js';
import type { StageContext } from '../../stage.js';
import type { BackendChoice, ThreadsChoice } from '../../train/protocol.js';
import { reportEpochs } from '../../train/task.js';
import { formatSamples } from '../../train/prompt.js';
import { addCommonFlags, cliContext, printJson, type CommonFlags } from '../common.js';
import { nonNegInt, posInt, positive } from '../../schema/index.js';
import type { TaskKind } from '../../train/task.js';
import { numberOption } from '../flags.js';
import { threadsOption, replicasOption, backendOption, clusterOption, taskOption } from '../stage-flags.js';

export interface RunFlags extends CommonFlags {
  backend?: BackendChoice;
  threads?: ThreadsChoice;
  replicas?: ThreadsChoice;
  /** `lm` or `classifier`; default: `classifier` for a labelled corpus, else `lm`. */
  task?: TaskKind;
  /** Start the classifier from this saveEncoder file (no language-model fine-tune). */
  encoder?: string;
  epochs?: number;
  resume?: boolean | string;
  samples?: number;
  verify?: boolean;
  cluster?: string;
  shared?: string;
  shardMb?: number;
  clusterTimeout?: number;
}

function summaryLine(r: PrepareResult): string {
  const splits = Object.entries(r.tokens).map(([s, n]) => `${s} ${n.toLocaleString('en-US')}`).join(', ');
  const labels = r.labels ? `, labels ${Object.entries(r.labels).map(([l, n]) => `${l} ${n.toLocaleString('en-US')}`).join(', ')}` : '';
  return `${r.pipeline}: ${r.docs.toLocaleString('en-US')} docs${labels}, tokens ${splits}, vocab ${r.vocabSize.toLocaleString('en-US')}${r.cached ? ' (cached)' : ''} in ${r.seconds.toFixed(2)} s\n  store ${r.store}`;
}

/** Loads the pipeline (with --set and --epochs overrides) and prepares its store, or finds it cached. */
export async function prepareFromFlags(pipelineArg: string | undefined, flags: RunFlags, ctx: StageContext) {
  const overrides = [...(flags.set ?? [])];
  if (flags.epochs !== undefined) overrides.push(`train.epochs=${flags.epochs}`);
  const loaded = await loadPipeline(pipelineArg, overrides);
  const root = cacheRoot();
  const prepared: { result: PrepareResult; store: TokenStore; text?: TextSpec } = flags.cluster
    ? await submitPrepare(loaded, {
      url: flags.cluster, shared: root, offline: flags.offline,
      shardBytes: flags.shardMb === undefined ? undefined : Math.round(flags.shardMb * 2 ** 20),
      timeoutMs: flags.clusterTimeout === undefined ? undefined : flags.clusterTimeout * 1000,
    }, ctx)
    : await prepare(loaded, { workers: flags.workers, offline: flags.offline, root, verify: flags.verify }, ctx);
  const { result, store, text } = prepared;
  ctx.progress.log(summaryLine(result));
  // A subword model prepare trained (and cached) is the run's tokenizer: prompts and the run's
  // spec.json (what `generate` tokenizes with) name it.
  const spec: PipelineSpec = text ? { ...loaded, text: text as PipelineSpec['text'] } : loaded;
  return { spec, root, result, store };
}

/** For `inspect <pipeline>`: the pipeline's store, prepared if needed. */
export async function resolveStore(pipelineArg: string, flags: CommonFlags): Promise<TokenStore> {
  const ctx = cliContext(flags);
  try {
    return (await prepareFromFlags(pipelineArg, flags, ctx)).store;
  } finally {
    ctx.close();
  }
}

export async function doPrepare(pipelineArg: string | undefined, flags: RunFlags, train: boolean, classifierOnly = false): Promise<void> {
  const ctx = cliContext(flags);
  try {
    const { spec, root, result, store } = await prepareFromFlags(pipelineArg, flags, ctx);
    if (!train) {
      if (flags.json) printJson(result);
      return;
    }
    const task = flags.task ?? (isLabelled(spec, store) ? 'classifier' : 'lm');
    if (task === 'classifier') {
      // `run` does the whole ULMFiT recipe; `train --task classifier` and `classify` the classifier stages only.
      const r = await classifyOnStore(spec, store, { root, backend: flags.backend, threads: flags.threads, replicas: flags.replicas, resume: flags.resume, encoder: flags.encoder, skipLm: classifierOnly }, ctx);
      reportClassifier(r, result, flags, ctx);
      return;
    }
    const fit = await trainOnStore(spec, store, { root, backend: flags.backend, threads: flags.threads, replicas: flags.replicas, resume: flags.resume, samples: flags.samples ?? 3 }, ctx);
    ctx.progress.log(`checkpoint ${fit.checkpoint}`);
    if (!flags.json || !flags.quiet) {
      if (fit.samples.length) process.stdout.write(formatSamples(fit.samples));
    }
    if (flags.json) {
      const { epochs, checkpoint, backend, device, waitFraction, tokensPerSecond, samples } = fit;
      // reportEpochs: a metric without data (no valid split) is null in JSON, never NaN.
      printJson({ ...result, backend, device, checkpoint, epochs: reportEpochs('lm', epochs), waitFraction, tokensPerSecond, samples });
    }
  } finally {
    ctx.close();
  }
}

const withPipeline = (program: Command, name: string): Command =>
  addCommonFlags(program.command(name).argument('[pipeline]', 'catalog name, spec file, URL or path', 'human-numbers'))
    .option('--no-verify', 'trust a cached store\'s sizes without re-hashing its files (saves ~0.25 s per 100M tokens)');

const withTraining = (cmd: Command): Command => cmd
  .addOption(backendOption())
  .addOption(threadsOption())
  .addOption(replicasOption())
  .addOption(numberOption('--epochs <n>', 'override train.epochs', posInt))
  .option('--resume [runDir]', 'continue the latest (or the given) run from its checkpoint')
  .addOption(numberOption('--samples <n>', 'generated continuations to print', nonNegInt))
  .addOption(taskOption())
  .option('--encoder <path>', 'classifier: start from this saved encoder (wordmill save-encoder) instead of fine-tuning a language model');

export function register(program: Command): void {
  withTraining(withPipeline(program, 'run'))
    .description('prepare the token store, train the pipeline\'s language model, report metrics and samples')
    .action((pipeline: string | undefined, flags: RunFlags) => doPrepare(pipeline, flags, true));

  withPipeline(program, 'prepare')
    .description('everything up to the token store (download, extract, rules, tokenize, vocabulary, store) and its summary')
    .addOption(clusterOption('run as shard jobs of one BullMQ flow on this Redis (redis://HOST:PORT); `wordmill worker` processes do the work'))
    .option('--shared <dir>', 'with --cluster: the directory every worker mounts (downloads, shard results, the store); default: the cache root')
    .addOption(numberOption('--shard-mb <n>', 'with --cluster: source bytes per shard, in MiB (default 64)', positive))
    .addOption(numberOption('--cluster-timeout <s>', 'with --cluster: give up after this many seconds without an answer from Redis (default 60)', positive))
    .hook('preAction', (_cmd, action) => {
      const f = action.opts<RunFlags>();
      const clusterOnly = (['shared', 'shardMb', 'clusterTimeout'] as const).find((k) => f[k] !== undefined);
      if (!f.cluster && clusterOnly) throw new WordmillError('WM_ERR_OPTION', `--${clusterOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --cluster`, { option: clusterOnly });
      if (f.shared) {
        // Downloads, shard results and the store all belong on the shared directory: it is the cache root of this run.
        if (f.cacheDir && path.resolve(f.cacheDir) !== path.resolve(f.shared)) throw new WordmillError('WM_ERR_OPTION', '--shared and --cache-dir name different directories; with --cluster the shared directory is the cache', { option: 'shared' });
        process.env.WORDMILL_HOME = path.resolve(f.shared);
      }
    })
    .action((pipeline: string | undefined, flags: RunFlags) => doPrepare(pipeline, flags, false));

  withTraining(withPipeline(program, 'train'))
    .description('train on the pipeline\'s token store (prepared first if needed); prints no samples unless --samples; --task classifier: the classifier stages only')
    .action((pipeline: string | undefined, flags: RunFlags) => doPrepare(pipeline, { ...flags, samples: flags.samples ?? 0 }, true, true));

  withTraining(withPipeline(program, 'classify'))
    .description('train the classifier stages of a labelled pipeline (gradual unfreezing), from --encoder or from scratch; no language-model fine-tune')
    .action((pipeline: string | undefined, flags: RunFlags) => doPrepare(pipeline, { ...flags, task: 'classifier' }, true, true));
}

/** A corpus with at least two labels on its train split is a classification corpus. */
function isLabelled(spec: PipelineSpec, store: TokenStore): boolean {
  return (store.meta.labels?.length ?? 0) >= 2 && store.has(spec.splits.train) && store.split(spec.splits.train).labels !== undefined;
}
