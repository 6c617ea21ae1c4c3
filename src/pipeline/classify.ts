import { writeFileAtomic } from '../disk/write.js';
import path from 'node:path';
import { LMStream, SortishStream, type TokenSplit } from '../batch/index.js';
import { WordmillError } from '../errors.js';
import { confusionMatrix, confusionSvg, formatConfusion, formatReport, formatTopLosses, report, topLosses, type ClassificationReport } from '../metrics/index.js';
import { detokenize } from '../train/detokenize.js';
import type { StageContext } from '../stage.js';
import type { TokenStore } from '../store/index.js';
// The trainer's TF-free modules: this runs in the parent, which never loads TensorFlow.js.
import { startTrainer } from '../train/start.js';
import { saveEncoder } from '../train/encoder.js';
import { resolveRecipe, stageRates, type RecipeSpec } from '../train/recipe.js';
import type { ClassifierSpec } from '../train/task.js';
import type { BackendChoice, ThreadsChoice } from '../train/protocol.js';
import type { FitResult, TrainerClient } from '../train/types.js';
import { runStage } from './phase.js';
import { allText, keptText } from './lmtext.js';
import { epochOf } from './batches.js';
import { dropRunWithoutCheckpoint, latestRun, newRunDir } from './runs.js';
import type { PipelineSpec } from './spec.js';

export { allText, keptText } from './lmtext.js';

export interface ClassifyOptions {
  root: string;
  backend?: BackendChoice;
  /** CPU threads of the trainer's backend (default auto). */
  threads?: ThreadsChoice;
  /** Data-parallel replicas of a language model (default auto; StartOptions.replicas). */
  replicas?: ThreadsChoice;
  resume?: boolean | string;
  /** Skip the language-model fine-tune and start the classifier from this `saveEncoder` file. */
  encoder?: string;
  /** Classifier stages only (`wordmill classify`): no language-model fine-tune. */
  skipLm?: boolean;
}

export interface StageResult { stage: string; freezeTo?: number; lr: number | [number, number]; fit: FitResult }

export interface ClassifyResult {
  runDir: string;
  classes: string[];
  lm?: FitResult;
  encoder?: string;
  stages: StageResult[];
  checkpoint: string;
  /** Of the final classifier on the validation split (fastai's ClassificationInterpretation). */
  report: ClassificationReport;
  confusion: number[][];
  confusionSvg: string;
}

/**
 * The classifier stages' batches: fastai's SortedDL over train (shuffled) and the validation split
 * (sorted), padded as pad_input_chunk does. Exported so that bench/cls_parity.ts hands PyTorch
 * exactly these batches.
 */
export function classifierStreams(spec: PipelineSpec, store: TokenStore, recipe: RecipeSpec, validName: string, padId: number): { train: SortishStream; valid: SortishStream } {
  const sortish = (split: string, shuffle: boolean) => new SortishStream(store.split(split), {
    bs: recipe.bs, shuffle, seed: spec.batch.seed ?? 42, pad: 'chunk', seqLen: recipe.bptt, padId,
    ...(recipe.truncate > 0 ? { maxLen: recipe.truncate, truncate: recipe.keep } : {}),
  });
  return { train: sortish(spec.splits.train, true), valid: sortish(validName, false) };
}

/**
 * The language-model fine-tune's batches: all of the corpus's text (shuffled), and the validation
 * split; with `truncate`, each document's kept part only (keptText).
 */
export function lmFineTuneStreams(spec: PipelineSpec, store: TokenStore, recipe: RecipeSpec): { train: LMStream; valid?: LMStream } {
  const { bs, seqLen, seed } = spec.batch;
  const kept = (t: TokenSplit) => keptText(t, recipe.truncate, recipe.keep);
  const train = new LMStream(kept(allText(store)), { bs, seqLen, seed, shuffle: true });
  const valid = spec.splits.valid && store.has(spec.splits.valid) ? new LMStream(kept(store.split(spec.splits.valid)), { bs, seqLen, seed, shuffle: false }) : undefined;
  return { train, valid };
}

/**
 * The ULMFiT recipe on a labelled store, in the trainer process: (1) fine-tune the language model
 * on all the text and save its encoder, (2) the classifier stages with gradual unfreezing, each
 * from the previous stage's checkpoint; then the final classifier's confusion matrix and
 * per-class scores on the validation split. Every phase checkpoints in its own directory of the
 * run; `resume` skips the finished ones and continues the interrupted one.
 */
export async function classifyOnStore(spec: PipelineSpec, store: TokenStore, opts: ClassifyOptions, ctx: StageContext): Promise<ClassifyResult> {
  const recipe = resolveRecipe(spec.classifier ?? {});
  // The recipe's stages start from its own language model or encoder; a pretrained GPT-2 under a
  // classifier head is not built, so train.init is refused rather than silently ignored.
  if (spec.train.init !== undefined) {
    throw new WordmillError('WM_ERR_OPTION', `pipeline ${spec.name}: train.init (${spec.train.init}) starts a language model run (--task lm); the classifier recipe does not start from it`, { option: 'train.init' });
  }
  const classes = store.meta.labels ?? [];
  const trainSplit = store.split(spec.splits.train);
  if (classes.length < 2 || !trainSplit.labels) {
    throw new WordmillError('WM_ERR_OPTION', `pipeline ${spec.name}: a classifier needs a labelled train split with at least two labels (found ${classes.length})`, { option: 'splits.train' });
  }
  const validName = spec.splits.valid && store.has(spec.splits.valid) ? spec.splits.valid : undefined;
  if (!validName || !store.split(validName).labels) {
    throw new WordmillError('WM_ERR_OPTION', `pipeline ${spec.name}: the classifier needs a labelled validation split (splits.valid)`, { option: 'splits.valid' });
  }
  const padId = store.vocab.itos.indexOf('xxpad');
  if (padId < 0) throw new WordmillError('WM_ERR_VOCAB', `pipeline ${spec.name}: the vocabulary has no xxpad token to pad documents with (vocab.specials: fastai)`, { option: 'vocab.specials' });
  const resumeDir = typeof opts.resume === 'string' ? opts.resume : opts.resume ? await latestRun(opts.root, spec.name) : undefined;
  if (opts.resume && !resumeDir) throw new WordmillError('WM_ERR_CHECKPOINT', `--resume: no earlier run of ${spec.name} under ${path.join(opts.root, 'runs')}`, { path: opts.root });
  const vocab = [...store.vocab.itos];
  // The trainer starts first: one that cannot (a bad --backend) leaves no run directory behind.
  const trainer = await startTrainer({ backend: opts.backend, threads: opts.threads, replicas: opts.replicas, signal: ctx.signal, log: ctx.progress.log });
  let runDir: string | undefined;
  try {
    runDir = resumeDir ?? (await newRunDir(opts.root, spec.name));
    if (!resumeDir) await writeFileAtomic(path.join(runDir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`, 'cannot write the run\'s spec');
    ctx.progress.log(`trainer: backend ${trainer.backend} (${trainer.device})`);
    let encoder = opts.encoder;
    let lm: FitResult | undefined;
    if (!encoder && !opts.skipLm && recipe.lmEpochs > 0) {
      ({ lm, encoder } = await fineTuneLm(trainer, spec, store, recipe, runDir, vocab, ctx));
    }
    const cls: ClassifierSpec = { classes, bptt: recipe.bptt, maxLen: recipe.maxLen, linFtrs: recipe.linFtrs, padId };
    const { train, valid } = classifierStreams(spec, store, recipe, validName, padId);
    ctx.progress.log(`sortish batches: ${validName} padding ${(100 * valid.padding(0).ratio).toFixed(2)}% (train: the padding column, per epoch)`);
    const stages: StageResult[] = [];
    let prev: string | undefined;
    // Epochs are numbered across stages, so each stage sees fresh shuffles (fastai's DataLoader never replays one).
    let epoch0 = 0;
    for (const [i, s] of recipe.stages.entries()) {
      const name = `stage-${i + 1}`;
      const dir = path.join(runDir, name);
      const first = epoch0;
      epoch0 += s.epochs;
      const padding = (e: number) => train.padding(first + e).ratio;
      const fit = await runStage(trainer, { name, i, n: recipe.stages.length, s, dir, resume: Boolean(resumeDir), padding }, {
        task: 'classifier', classifier: cls, model: { ...spec.model, dropMult: recipe.dropMult },
        train: { ...spec.train, epochs: s.epochs, lr: stageRates(s).lr }, lrLow: stageRates(s).lrLow, freezeTo: s.freezeTo, moms: recipe.moms,
        vocab, seed: spec.batch.seed, checkpointDir: dir,
        ...(prev ? { init: prev } : encoder ? { encoder } : {}),
        trainBatches: (epoch, start) => epochOf(train, first + epoch, start),
        trainBatchCount: (epoch) => { train.resume({ ...train.state(), epoch: first + epoch, batch: 0 }); return train.batchesPerEpoch(); },
        validBatches: () => epochOf(valid, 0, 0),
      }, ctx);
      stages.push({ stage: name, freezeTo: s.freezeTo, lr: s.lr, fit });
      prev = fit.checkpoint;
    }
    const checkpoint = prev!;
    const preds = await trainer.predict({ checkpoint, batches: epochOf(valid, 0, 0) });
    const actual = store.split(validName).labels!;
    const predicted = Int32Array.from(preds.labels, (l) => classes.indexOf(l));
    const confusion = confusionMatrix(actual, predicted, classes.length);
    const r = report(confusion);
    ctx.progress.log(formatConfusion(confusion, classes));
    ctx.progress.log(formatReport(r, classes));
    const svg = path.join(runDir, 'confusion.svg');
    await writeFileAtomic(svg, confusionSvg(confusion, classes, { title: `${spec.name}: ${validName}` }), 'cannot write the confusion matrix');
    // fastai's plot_top_losses: the most confidently wrong validation documents.
    const v = store.split(validName);
    const textOf = (d: number) => detokenize(Array.from(v.tokens.subarray(v.docStarts[d], v.docStarts[d + 1]), (id) => store.vocab.itos[id]));
    ctx.progress.log(formatTopLosses(topLosses(preds.probs.flat(), classes.length, actual, 5), classes, textOf));
    ctx.progress.log(`confusion matrix ${svg}`);
    return { runDir, classes, lm, encoder, stages, checkpoint, report: r, confusion, confusionSvg: svg };
  } catch (e) {
    // Interrupted or failed before any phase's checkpoint: not a run `--resume` could continue.
    if (runDir && !resumeDir) await dropRunWithoutCheckpoint(runDir);
    throw e;
  } finally {
    await trainer.close();
  }
}

async function fineTuneLm(trainer: TrainerClient, spec: PipelineSpec, store: TokenStore, recipe: RecipeSpec, runDir: string, vocab: string[], ctx: StageContext): Promise<{ lm: FitResult; encoder: string }> {
  const { seed } = spec.batch;
  const { train, valid } = lmFineTuneStreams(spec, store, recipe);
  const dir = path.join(runDir, 'lm');
  const lm = await runStage(trainer, { name: 'lm', i: -1, n: 0, dir, resume: true }, {
    task: 'lm', model: spec.model, train: { ...spec.train, epochs: recipe.lmEpochs, lr: recipe.lmLr }, vocab, seed, checkpointDir: dir,
    trainBatches: (epoch, start) => epochOf(train, epoch, start),
    trainBatchCount: (epoch) => { train.resume({ ...train.state(), epoch, batch: 0 }); return train.batchesPerEpoch(); },
    validBatches: () => (valid ? epochOf(valid, 0, 0) : []),
  }, ctx);
  const encoder = path.join(runDir, 'encoder.wmckpt');
  await saveEncoder(lm.checkpoint, encoder);
  ctx.progress.log(`encoder ${encoder}`);
  return { lm, encoder };
}
