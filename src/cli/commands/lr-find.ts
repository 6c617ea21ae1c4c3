import type { Command } from 'commander';
import path from 'node:path';
import { epochOf, lmStream } from '../../pipeline/batches.js';
import type { BackendChoice, ThreadsChoice } from '../../train/protocol.js';
import type { SuggestMethod } from '../../train/suggest.js';
import { sweepLr } from '../../train/sweep.js';
// TF-free: TensorFlow.js loads only in the trainer process.
import { startTrainer } from '../../train/start.js';
import { addCommonFlags, cliContext, printJson, type CommonFlags } from '../common.js';
import { posInt, positive } from '../../schema/index.js';
import { numberOption } from '../flags.js';
import { threadsOption, replicasOption, backendOption, suggestOption } from '../stage-flags.js';
import { prepareFromFlags } from './run.js';

interface LrFindFlags extends CommonFlags {
  startLr: number; endLr: number; numIt: number; plot?: string; backend?: BackendChoice; threads?: ThreadsChoice; replicas?: ThreadsChoice; suggest: SuggestMethod[];
}

export function register(program: Command): void {
  addCommonFlags(program.command('lr-find').argument('[pipeline]', 'catalog name, spec file, URL or path', 'human-numbers'))
    .description('learning-rate finder: an exponential sweep of the learning rate, the loss at each, suggestions and a plot')
    .addOption(numberOption('--start-lr <lr>', 'first learning rate', positive).default(1e-7))
    .addOption(numberOption('--end-lr <lr>', 'the learning rate the sweep grows towards (fastai\'s end_lr)', positive).default(10))
    .addOption(numberOption('--num-it <n>', 'steps of the sweep', posInt).default(100))
    .addOption(suggestOption())
    .option('--plot <path>', 'where to write the SVG plot of loss against lr (default: lr-find.svg here)')
    .addOption(backendOption())
    .addOption(threadsOption())
    .addOption(replicasOption())
    .action(async (pipelineArg: string, flags: LrFindFlags) => {
      const ctx = cliContext(flags);
      try {
        const { spec, store } = await prepareFromFlags(pipelineArg, flags, ctx);
        const stream = lmStream(spec, store.split(spec.splits.train), true);
        const trainer = await startTrainer({ backend: flags.backend ?? 'auto', threads: flags.threads, replicas: flags.replicas, signal: ctx.signal, log: ctx.progress.log });
        try {
          const plotPath = path.resolve(flags.plot ?? 'lr-find.svg');
          const numIt = flags.numIt;
          const r = await trainer.lrFind({
            model: spec.model, train: spec.train, vocab: [...store.vocab.itos],
            trainBatches: (epoch, start) => epochOf(stream, epoch, start),
            startLr: flags.startLr, endLr: flags.endLr, numIt, plotPath, suggest: flags.suggest,
            onStep: stepReporter(ctx.progress, flags, numIt),
          });
          ctx.progress.done('lr-find');
          if (flags.json) printJson({ pipeline: spec.name, suggestion: r.suggestion, suggestions: r.suggestions, plot: r.plot, points: r.points });
          else process.stdout.write(`${r.suggestions.map((s) => `suggested lr ${s.lr.toExponential(2)} (${s.method})\n`).join('')}plot ${r.plot}\n`);
        } finally {
          await trainer.close();
        }
      } finally {
        ctx.close();
      }
    });
}

/**
 * A bar on a terminal; elsewhere (`--no-progress`, stderr not a TTY) a plain line every tenth of the
 * sweep, since each step can take a second or more and a silent minute reads as a hang.
 */
function stepReporter(progress: ReturnType<typeof cliContext>['progress'], flags: LrFindFlags, numIt: number) {
  const tty = flags.progress !== false && Boolean(process.stderr.isTTY);
  const every = Math.max(1, Math.ceil(numIt / 10));
  let last = 0;
  return (s: { batch: number; batches: number; loss: number }) => {
    const lr = sweepLr(s.batch - 1, flags.startLr, flags.endLr, numIt);
    if (tty) {
      if (last === 0) progress.start('lr-find', s.batches, 'steps');
      progress.tick('lr-find', s.batch - last, { lr: lr.toExponential(1), loss: s.loss.toFixed(3) });
    } else if (s.batch % every === 0 || s.batch === s.batches) {
      progress.log(`lr-find: step ${s.batch}/${s.batches} · lr ${lr.toExponential(1)} · loss ${s.loss.toFixed(3)}`);
    }
    last = s.batch;
  };
}
