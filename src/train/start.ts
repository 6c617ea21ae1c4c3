/**
 * The parent's entry to the trainer: starts the child process and wraps it as a TrainerClient.
 * Free of TensorFlow.js (only the child loads it), so the CLI and the pipeline import this module
 * directly instead of ./index.js, which also re-exports the TF-backed helpers.
 */
import { check, validateOptions, z } from '../schema/index.js';
import { modelSchema, trainSchema } from './options.js';
import { WordmillError } from '../errors.js';
import { backendSchema, threadsSchema, threadsTextSchema, type BackendChoice, type PredictResult } from './protocol.js';
import { TrainerProcess } from './client.js';
import { taskInfo } from './task.js';
import type { PredictOptions, Predictions, FitOptions, FitResult, GenerateOptions, LrFindOptions, LrFindResult, StartOptions, TrainerClient } from './types.js';

/** Starts the trainer process; resolves once its backend is up (`backend`/`device` say which). */
export async function startTrainer(opts: StartOptions = {}): Promise<TrainerClient> {
  const o = validateOptions('trainer', z.strictObject({
    backend: backendSchema.default('auto'),
    threads: threadsSchema.optional(),
    replicas: threadsSchema.optional(),
    signal: z.unknown().optional(),
    log: z.unknown().optional(),
  }), opts);
  const log = (o.log as ((l: string) => void) | undefined) ?? (() => {});
  const signal = o.signal as AbortSignal | undefined;
  if (signal?.aborted) throw new WordmillError('WM_ERR_ABORTED', 'training was aborted');
  const proc = new TrainerProcess(o.backend as BackendChoice, o.threads ?? envThreads('WORDMILL_THREADS'), log, signal, o.replicas ?? envThreads('WORDMILL_REPLICAS', 1));
  try {
    await proc.ready;
  } catch (e) {
    await proc.close();
    throw e;
  }
  return new Client(proc);
}

/**
 * `WORDMILL_THREADS` is the default where no `threads` is given, as OMP_NUM_THREADS is for
 * PyTorch: two trainers sharing a machine each on every core oversubscribe it, and XNNPACK's
 * pool spins while it waits (measured: a small GPT's test run took 1.45× the CPU on 2 threads
 * as on 1, with two such runs side by side on 2 cores).
 */
function envThreads(name: 'WORDMILL_THREADS' | 'WORDMILL_REPLICAS', absent: number | 'auto' = 'auto'): number | 'auto' {
  const v = process.env[name];
  if (v === undefined || v === '') return absent;
  return check(threadsTextSchema, v, `environment variable ${name}`, 'WM_ERR_OPTION', ': ');
}

const fitSchema = z.object({ model: modelSchema, train: trainSchema });

class Client implements TrainerClient {
  constructor(private readonly proc: TrainerProcess) {}
  get backend(): string { return this.proc.backend; }
  get device(): string { return this.proc.device; }
  /** Extension: the trainer's pid (tests kill it). */
  get pid(): number | undefined { return this.proc.pid; }

  async fit(o: FitOptions): Promise<FitResult> {
    // The same schemas as a pipeline spec's sections: a library caller gets the same checks and messages.
    const { model, train } = check(fitSchema, { model: o.model, train: o.train }, 'trainer');
    const epochs = train.epochs;
    const task = o.task ?? 'lm';
    const info = taskInfo(task);
    if (task === 'classifier' && !o.classifier) throw new WordmillError('WM_ERR_OPTION', 'a classifier needs `classifier` (its classes and head)', { option: 'classifier' });
    const batchCounts = Array.from({ length: epochs }, (_, e) => o.trainBatchCount(e));
    const r = await this.proc.run<Omit<FitResult, 'maxInFlight' | 'window'>>('fit', {
      model, train, vocab: o.vocab, checkpointDir: o.checkpointDir, resume: o.resume ?? false,
      seed: o.seed ?? 42, batchCounts, stopAfterSteps: o.stopAfterSteps, checkpointSeconds: o.checkpointSeconds ?? 120, encoder: o.encoder,
      task, classifier: o.classifier, init: o.init, freezeTo: o.freezeTo, lrLow: o.lrLow, moms: o.moms,
    }, { kind: info.batch, train: o.trainBatches, valid: o.validBatches }, { onStep: o.onStep, onEpoch: o.onEpoch });
    return { ...r, maxInFlight: this.proc.maxInFlight, window: this.proc.window };
  }

  async lrFind(o: LrFindOptions): Promise<LrFindResult> {
    const { model, train } = check(fitSchema, { model: o.model, train: o.train }, 'trainer');
    return this.proc.run<LrFindResult>('lrfind', {
      model, train, vocab: o.vocab, seed: o.seed ?? 42, startLr: o.startLr ?? 1e-7,
      endLr: o.endLr ?? 10, numIt: o.numIt ?? 100, plotPath: o.plotPath, suggest: o.suggest, init: o.init, encoder: o.encoder,
    }, { kind: 'lm', train: o.trainBatches }, { onStep: o.onStep });
  }

  generate(o: GenerateOptions): Promise<number[][]> {
    return this.proc.run<number[][]>('generate', o);
  }

  async predict(o: PredictOptions): Promise<Predictions> {
    const r = await this.proc.run<PredictResult>('predict', { checkpoint: o.checkpoint }, { kind: 'cls', train: () => [], valid: () => o.batches });
    return inInputOrder(r);
  }

  close(): Promise<void> { return this.proc.close(); }
}

/** Rows back in input order by their `index`; every document 0..n−1 exactly once. */
export function inInputOrder(r: PredictResult): Predictions {
  const n = r.index.length;
  const probs: number[][] = new Array(n);
  r.index.forEach((d, row) => {
    if (!(Number.isInteger(d) && d >= 0 && d < n) || probs[d]) throw new WordmillError('WM_ERR_TRAIN', `predict: batch rows carry document index ${d} twice or outside 0..${n - 1}`);
    probs[d] = r.probs[row];
  });
  const labels = probs.map((p) => r.classes[p.indexOf(Math.max(...p))]);
  return { classes: r.classes, labels, probs };
}
