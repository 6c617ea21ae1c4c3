import path from 'node:path';
import { AppendLog, writeFileAtomic } from '../disk/write.js';
import { WordmillError } from '../errors.js';
import type { StageContext } from '../stage.js';
import type { TokenStore } from '../store/index.js';
// The trainer's TF-free modules: this runs in the parent, which never loads TensorFlow.js.
import { startTrainer } from '../train/start.js';
import { continuePrompt, encodePrompt } from '../train/prompt.js';
import type { BackendChoice, ThreadsChoice } from '../train/protocol.js';
import type { EpochMetrics, FitResult, TrainerClient } from '../train/types.js';
import { csvHeader, csvRow, tableHeader, tableRow } from '../train/task.js';
import { epochOf, lmStream } from './batches.js';
import { dropRunWithoutCheckpoint, latestRun, newRunDir } from './runs.js';
import type { PipelineSpec } from './spec.js';
import { under } from '../paths.js';

export interface TrainRunOptions {
  root: string;
  backend?: BackendChoice;
  /** CPU threads of the trainer's backend (default auto). */
  threads?: ThreadsChoice;
  /** Data-parallel replicas of a language model (default auto; StartOptions.replicas). */
  replicas?: ThreadsChoice;
  /** Continue the latest run of this pipeline (or the run directory given). */
  resume?: boolean | string;
  /** Generated continuations to print after training (0: none). */
  samples?: number;
}

export interface TrainRunResult extends FitResult {
  runDir: string;
  samples: string[];
}

/** Trains the pipeline's model on a prepared store in the trainer process; prints the seeds' per-epoch table. */
export async function trainOnStore(spec: PipelineSpec, store: TokenStore, opts: TrainRunOptions, ctx: StageContext): Promise<TrainRunResult> {
  const trainStream = lmStream(spec, store.split(spec.splits.train), true);
  // A `valid` the spec names is there (prepare refuses an empty one); without one, a split named so is used if any.
  const validSplit = spec.splits.valid ?? (store.has('valid') ? 'valid' : undefined);
  const validStream = validSplit ? lmStream(spec, store.split(validSplit), false) : undefined;
  const resumeDir = typeof opts.resume === 'string' ? opts.resume : opts.resume ? await latestRun(opts.root, spec.name) : undefined;
  if (opts.resume && !resumeDir) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `--resume: no earlier run of ${spec.name} under ${path.join(opts.root, 'runs')}`, { path: opts.root });
  }
  // The trainer starts first: one that cannot (a bad --backend) leaves no run directory behind.
  const trainer = await startTrainer({ backend: opts.backend, threads: opts.threads, replicas: opts.replicas, signal: ctx.signal, log: ctx.progress.log });
  let runDir: string | undefined;
  try {
    runDir = resumeDir ?? (await newRunDir(opts.root, spec.name));
    return await fitRun(spec, store, trainer, runDir, Boolean(resumeDir), { trainStream, validStream }, opts, ctx);
  } catch (e) {
    // Interrupted or failed before its first checkpoint: not a run `generate` or `--resume` could use.
    if (runDir && !resumeDir) await dropRunWithoutCheckpoint(runDir);
    throw e;
  } finally {
    await trainer.close();
  }
}

type Stream = ReturnType<typeof lmStream>;

/** The run proper, in its directory: metrics, the fit, the samples. */
async function fitRun(spec: PipelineSpec, store: TokenStore, trainer: TrainerClient, runDir: string, resumed: boolean,
  { trainStream, validStream }: { trainStream: Stream; validStream?: Stream }, opts: TrainRunOptions, ctx: StageContext): Promise<TrainRunResult> {
  const metricsFile = under(runDir, 'metrics.csv');
  if (!resumed) {
    await writeFileAtomic(metricsFile, `${csvHeader('lm')}\n`, 'cannot write the metrics');
    // `generate` tokenizes prompts with the run's own rules and tokenizer.
    await writeFileAtomic(under(runDir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`, 'cannot write the run\'s spec');
  }
  const metricsLog = new AppendLog(metricsFile, 'cannot write the metrics');
  ctx.progress.log(`trainer: backend ${trainer.backend} (${trainer.device})`);
  if (!validStream) ctx.progress.log(`no valid split${spec.splits.valid ? ` (${spec.splits.valid} is not in the store)` : ''}: valid_loss and accuracy show —, train_ppl is exp(train_loss), as d2l reports it`);
  ctx.progress.log(tableHeader('lm', Boolean(validStream)));
  let lastBatch = 0;
  const fit = await trainer.fit({
    model: spec.model,
    train: spec.train,
    vocab: [...store.vocab.itos],
    trainBatches: (epoch, start) => epochOf(trainStream, epoch, start),
    trainBatchCount: (epoch) => {
      trainStream.resume({ ...trainStream.state(), epoch, batch: 0 });
      return trainStream.batchesPerEpoch();
    },
    validBatches: () => (validStream ? epochOf(validStream, 0, 0) : []),
    checkpointDir: runDir,
    resume: resumed,
    seed: spec.batch.seed,
    onStep: (s) => {
      if (s.batch < lastBatch || lastBatch === 0) ctx.progress.start(`epoch ${s.epoch}`, s.batches, 'batches');
      ctx.progress.tick(`epoch ${s.epoch}`, s.batch - lastBatch, { loss: s.loss.toFixed(3) });
      lastBatch = s.batch;
    },
    onEpoch: (m: EpochMetrics) => {
      ctx.progress.done(`epoch ${m.epoch}`);
      lastBatch = 0;
      ctx.progress.log(tableRow('lm', m));
      metricsLog.append(`${csvRow('lm', m)}\n`);
    },
  });
  await metricsLog.flush();
  // Continuations of the spec's prompt, tokenized with the pipeline's own rules and tokenizer.
  const samples = opts.samples ? await continuePrompt(trainer, encodePrompt(spec.text, store.vocab, spec.train.prompt ?? ''), {
    checkpoint: fit.checkpoint, words: spec.train.generateWords ?? 20, temperature: 0.75, samples: opts.samples, seed: 1,
  }) : [];
  return { ...fit, runDir, samples };
}
